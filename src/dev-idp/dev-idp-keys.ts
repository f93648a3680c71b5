import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { selfSignedCertificate } from './self-signed-certificate';

export interface DevIdpKeys {
  privateKey: string;
  certificate: string;
}

/**
 * The development IdP's signing key and certificate, made on first use and kept in one PEM file,
 * so IdPs configured from its metadata keep working across restarts.
 */
export function loadOrCreateDevIdpKeys(file: string): DevIdpKeys {
  if (existsSync(file)) {
    const pem = readFileSync(file, 'utf8');
    const privateKey = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(pem)?.[0];
    const certificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    if (!privateKey || !certificate)
      throw new Error(`${file} must hold a PRIVATE KEY and a CERTIFICATE (delete it to make new ones)`);
    if (!new X509Certificate(certificate).checkPrivateKey(createPrivateKey(privateKey)))
      throw new Error(`the certificate in ${file} is not for its private key (delete it to make new ones)`);
    return { privateKey, certificate };
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim(),
    certificate: selfSignedCertificate(privateKey, 'groupsync development IdP').trim(),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${keys.privateKey}\n${keys.certificate}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}
