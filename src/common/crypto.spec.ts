import { constantTimeEqual, newToken, SecretBox, sha256Hex } from './crypto';

describe('SecretBox', () => {
  it('round-trips a secret and never contains the plaintext', () => {
    const box = new SecretBox('k'.repeat(40));
    const sealed = box.seal('client-secret-value');
    expect(sealed).not.toContain('client-secret-value');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(box.open(sealed)).toBe('client-secret-value');
    expect(box.seal('same')).not.toBe(box.seal('same')); // fresh IV each time
  });

  it('refuses a box sealed with another key or tampered with', () => {
    const sealed = new SecretBox('a'.repeat(40)).seal('x');
    expect(() => new SecretBox('b'.repeat(40)).open(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => new SecretBox('a'.repeat(40)).open(parts.join('.'))).toThrow();
    expect(() => new SecretBox('a'.repeat(40)).open('garbage')).toThrow('Unreadable secret box');
  });

  it('opens secrets sealed with a previous key during a rotation, and says they need re-sealing', () => {
    const old = new SecretBox('old-key-'.repeat(5)).seal('client-secret');
    const rotated = new SecretBox('new-key-'.repeat(5), ['old-key-'.repeat(5)]);
    expect(rotated.openAny(old)).toEqual({ plain: 'client-secret', current: false });
    expect(rotated.openAny(rotated.seal('fresh'))).toEqual({ plain: 'fresh', current: true });
    expect(new SecretBox('new-key-'.repeat(5)).openAny(rotated.seal('x')).plain).toBe('x');
    expect(() => new SecretBox('other-key'.repeat(5), ['new-key-'.repeat(5)]).open(old)).toThrow();
  });
});

describe('tokens', () => {
  it('makes prefixed 256-bit tokens and compares in constant time', () => {
    const a = newToken('gsk');
    expect(a).toMatch(/^gsk_[A-Za-z0-9_-]{43}$/);
    expect(newToken('gsk')).not.toBe(a);
    expect(constantTimeEqual(a, a)).toBe(true);
    expect(constantTimeEqual(a, `${a}x`)).toBe(false);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
