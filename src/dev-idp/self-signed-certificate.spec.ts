import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { selfSignedCertificate, serialNumber } from './self-signed-certificate';

describe('selfSignedCertificate', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('is a certificate Node parses, for the key, signed by the key itself', () => {
    const cert = new X509Certificate(selfSignedCertificate(privateKey, 'groupsync dev IdP'));
    expect(cert.subject).toBe('CN=groupsync dev IdP');
    expect(cert.issuer).toBe('CN=groupsync dev IdP');
    expect(cert.publicKey.export({ type: 'spki', format: 'pem' })).toBe(
      publicKey.export({ type: 'spki', format: 'pem' }),
    );
    expect(cert.verify(publicKey)).toBe(true);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(cert.verify(other)).toBe(false);
  });

  it('is valid from now for the given days', () => {
    const cert = new X509Certificate(selfSignedCertificate(privateKey, 'x', 30));
    const from = new Date(cert.validFrom).getTime();
    const to = new Date(cert.validTo).getTime();
    expect(Math.abs(from - Date.now())).toBeLessThan(5_000);
    expect(Math.round((to - from) / 86_400_000)).toBe(30);
  });

  it('may start at another time (tests make expired and not-yet-valid certificates)', () => {
    const start = new Date(Date.UTC(2020, 0, 1));
    const cert = new X509Certificate(selfSignedCertificate(privateKey, 'old', 10, start));
    expect(new Date(cert.validFrom).toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2020-01-11T00:00:00.000Z');
  });

  it('serial numbers are positive and minimal whatever the random bytes (a zero first byte was "illegal padding")', () => {
    for (const first of [0x00, 0x01, 0x3f, 0x7f, 0x80, 0xff]) {
      const serial = serialNumber(Buffer.from([first, 0x05, 0x80]));
      expect(serial[0]).toBeGreaterThanOrEqual(0x40);
      expect(serial[0]).toBeLessThan(0x80);
      expect([...serial.subarray(1)]).toEqual([0x05, 0x80]);
    }
    const { privateKey: key } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(new X509Certificate(selfSignedCertificate(key, 'many')).serialNumber).toMatch(
      /^[4-7][0-9A-F]{23}$/,
    );
  });
});
