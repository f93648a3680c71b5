import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"e1","type":"user.created"}';

  it('signs "<t>.<body>" with HMAC-SHA256 in hex, as the header says', () => {
    const header = signatureHeader(secret, 1_800_000_000, body);
    const mac = createHmac('sha256', secret).update(`1800000000.${body}`).digest('hex');
    expect(header).toBe(`t=1800000000,v1=${mac}`);
  });

  it('verifies its own signature and refuses another body, secret or an old timestamp', () => {
    const header = signatureHeader(secret, 1_800_000_000, body);
    expect(verifySignature(secret, header, body, 1_800_000_010)).toBe(true);
    expect(verifySignature(secret, header, `${body} `, 1_800_000_010)).toBe(false);
    expect(verifySignature('whsec_other', header, body, 1_800_000_010)).toBe(false);
    expect(verifySignature(secret, header, body, 1_800_000_301)).toBe(false);
    expect(verifySignature(secret, 'v1=abc', body, 1_800_000_000)).toBe(false);
  });
});
