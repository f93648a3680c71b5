import { createPublicKey, KeyObject, randomBytes, sign } from 'node:crypto';

// A minimal DER writer: enough ASN.1 for one self-signed X.509 v1 certificate. Node can make keys
// but not certificates, and SAML metadata carries the signing key as a certificate.
const der = (tag: number, content: Buffer): Buffer => {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
};
const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const SHA256_WITH_RSA = sequence(
  Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b]), // 1.2.840.113549.1.1.11
  Buffer.from([0x05, 0x00]), // NULL parameters
);
const commonName = (cn: string) =>
  sequence(
    der(
      0x31, // SET
      sequence(
        Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]) /* 2.5.4.3 CN */,
        der(0x0c, Buffer.from(cn, 'utf8')),
      ),
    ),
  );
/** UTCTime, YYMMDDHHMMSSZ (good until 2049). */
const utcTime = (date: Date) =>
  der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`, 'ascii'));

/**
 * Random bytes as a DER INTEGER's content: positive (top bit clear) and minimal (first byte not zero).
 * Clearing only the top bit left a zero first byte one time in 256, which DER forbids when the next
 * byte's top bit is clear ("illegal padding"): the certificate could not be read.
 */
export function serialNumber(random: Buffer): Buffer {
  const serial = Buffer.from(random);
  serial[0] = 0x40 | (serial[0] & 0x3f);
  return serial;
}

/** A self-signed certificate (PEM) for an RSA private key, valid from `from` (default now) for `days`. */
export function selfSignedCertificate(
  privateKey: KeyObject,
  cn: string,
  days = 3650,
  from = new Date(),
): string {
  const serial = serialNumber(randomBytes(12));
  const now = from;
  const subject = commonName(cn);
  const tbs = sequence(
    der(0x02, serial),
    SHA256_WITH_RSA,
    subject, // issuer: self
    sequence(utcTime(now), utcTime(new Date(now.getTime() + days * 86_400_000))),
    subject,
    createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, SHA256_WITH_RSA, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.trim()}\n-----END CERTIFICATE-----\n`;
}
