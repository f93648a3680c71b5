import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** A bearer token: a readable prefix, then 256 random bits. */
export const newToken = (prefix: string): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

/**
 * AES-256-GCM box for secrets at rest: "v1.<iv>.<tag>.<ciphertext>", base64url parts. Seals with the
 * current key; opens with the current key or, during a rotation, a previous one.
 */
export class SecretBox {
  private readonly key: Buffer;
  private readonly previous: Buffer[];
  constructor(secretKey: string, previousKeys: string[] = []) {
    this.key = deriveKey(secretKey);
    this.previous = previousKeys.map(deriveKey);
  }
  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }
  open(sealed: string): string {
    return this.openAny(sealed).plain;
  }
  /** The plain text, and whether it was sealed with the current key (false: re-seal it). */
  openAny(sealed: string): { plain: string; current: boolean } {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unreadable secret box');
    for (const [i, key] of [this.key, ...this.previous].entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
        return { plain: plain.toString('utf8'), current: i === 0 };
      } catch (error) {
        if (i === this.previous.length) throw error;
      }
    }
    throw new Error('Unreadable secret box');
  }
}

const deriveKey = (secretKey: string): Buffer =>
  createHash('sha256').update(`groupsync:secrets:${secretKey}`).digest();
