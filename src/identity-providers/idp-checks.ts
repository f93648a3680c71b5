import { createHash, X509Certificate } from 'node:crypto';
import { guardedFetch } from '../common/guarded-fetch';
import { AppError, badRequest } from '../common/errors';

/**
 * What is checked when an IdP is saved rather than at the first sign-in (docs/saml.md and
 * docs/oidc.md, "Checked when saved"): the signing certificates' dates, https outside development,
 * and the OIDC discovery document. Each refusal is a 400 whose details name the field.
 */

/** Days before the last certificate expires from which the IdP shows a warning. */
const CERTIFICATE_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export interface CertificateInfo {
  subject: string | null;
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  /** SHA-256 of the DER, hex: what the audit compares across a metadata refresh. */
  sha256: string;
}

/** null: every certificate is good for 30 days or more; else the state of the one that lasts longest. */
export type CertificateWarning = 'expiring' | 'expired' | null;

/** The certificate's dates and fingerprint; null when the text is no X.509 certificate. */
export function certificateInfo(pem: string, now = new Date()): CertificateInfo | null {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(toPemText(pem));
  } catch {
    return null;
  }
  const notAfter = new Date(cert.validTo);
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? null;
  return {
    subject: cn ?? (cert.subject || null),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    sha256: createHash('sha256').update(cert.raw).digest('hex'),
  };
}

/**
 * The warning for a set of certificates: during a rotation the old one may expire while the new
 * one carries on, so what counts is the certificate that lasts longest.
 */
export function certificateWarning(infos: readonly CertificateInfo[], now = new Date()): CertificateWarning {
  if (infos.length === 0) return null;
  const last = Math.max(...infos.map((i) => Date.parse(i.notAfter)));
  if (last <= now.getTime()) return 'expired';
  return last - now.getTime() < CERTIFICATE_WARNING_DAYS * DAY_MS ? 'expiring' : null;
}

/** Refuses a certificate that is no X.509 certificate, has expired, or is not valid yet. */
export function assertCertificates(pems: readonly string[], field: string, now = new Date()): void {
  pems.forEach((pem, i) => {
    const name = field === 'certificates' ? `certificates[${i}]` : field;
    const info = certificateInfo(pem, now);
    const which = field === 'certificates' ? '' : ` (signing certificate ${i + 1})`;
    if (!info)
      throw badRequest('invalid_certificate', `${name}${which} is not a readable X.509 certificate`, {
        field: name,
      });
    const label = info.subject ? ` "${info.subject}"` : '';
    if (Date.parse(info.notAfter) <= now.getTime())
      throw badRequest(
        'invalid_certificate',
        `${name}${which}: the signing certificate${label} expired on ${info.notAfter}; ` +
          "sign-ins signed with it would be refused. Use the IdP's current certificate",
        { field: name, notAfter: info.notAfter },
      );
    if (Date.parse(info.notBefore) > now.getTime())
      throw badRequest(
        'invalid_certificate',
        `${name}${which}: the signing certificate${label} is not valid before ${info.notBefore}`,
        { field: name, notBefore: info.notBefore },
      );
  });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i;

/**
 * https everywhere outside development. In development, plain http is accepted for the SAML SSO
 * URL on any host (browsers are sent there) and for URLs the service fetches on loopback hosts
 * only (what the OIDC client accepts at sign-in).
 */
export function assertHttps(
  urls: readonly [field: string, url: string | undefined, fetched: boolean][],
  development: boolean,
): void {
  for (const [field, url, fetched] of urls) {
    if (!url || !/^http:/i.test(url)) continue;
    const host = new URL(url).hostname;
    if (development && (!fetched || LOOPBACK.test(host))) continue;
    const why = development
      ? 'plain http is accepted in development for loopback addresses only'
      : 'plain http is accepted only in development (DEV_IDP or ALLOW_PRIVATE_NETWORK, not NODE_ENV=production)';
    throw badRequest('insecure_url', `${field} must be an https:// URL: ${why}`, { field });
  }
}

/** The endpoints a sign-in reads from discovery (RFC 8414 / OpenID Connect Discovery 1.0). */
const REQUIRED_ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const;

/**
 * Reads `<issuer>/.well-known/openid-configuration` through the SSRF guard and checks what a
 * sign-in needs: the same issuer (exactly, as the ID token's `iss` is compared) and the
 * authorization, token and JWKS endpoints.
 */
export async function assertDiscovery(issuer: string): Promise<void> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const refuse = (why: string, extra: Record<string, unknown> = {}): AppError =>
    badRequest('oidc_discovery_failed', `issuer: the discovery document ${url} ${why}`, {
      field: 'issuer',
      ...extra,
    });
  let response: Response;
  try {
    response = await guardedFetch(url, { headers: { accept: 'application/json' } });
  } catch {
    throw refuse('could not be fetched (the server could not be reached)');
  }
  if (response.status !== 200) throw refuse(`answered HTTP ${response.status}`);
  let doc: Record<string, unknown>;
  try {
    doc = (await response.json()) as Record<string, unknown>;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not an object');
  } catch {
    throw refuse('is not a JSON object');
  }
  if (doc.issuer !== issuer)
    throw refuse(`names another issuer: "${String(doc.issuer)}" (saved: "${issuer}")`, {
      issuer: doc.issuer ?? null,
    });
  const missing = REQUIRED_ENDPOINTS.filter((k) => typeof doc[k] !== 'string' || doc[k] === '');
  if (missing.length > 0) throw refuse(`has no ${missing.join(', ')}`, { missing });
}

/** Base64 DER or PEM -> PEM text node's X509Certificate reads. */
function toPemText(cert: string): string {
  if (cert.includes('-----BEGIN CERTIFICATE-----')) return cert;
  const lines = cert.replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----`;
}
