import type { CertificateInfo, IdentityProvider } from '../api/types';

/**
 * Logic of the identity-provider page: certificate wording and the alerts the overview shows (the
 * settings forms are idp-connection.ts and idp-policy.ts).
 */

/** A metadata URL typed where the XML goes: the service reads it, now and on a schedule. */
export const isMetadataUrl = (text: string) => /^https?:\/\/\S+$/i.test(text.trim());

/** "expires 2027-03-01 (in 89 days)", "expired 2026-11-20 (11 days ago)". */
export function certificateLine(cert: CertificateInfo): string {
  const date = cert.notAfter.slice(0, 10);
  if (cert.daysLeft < 0) return `expired ${date} (${-cert.daysLeft} days ago)`;
  if (cert.daysLeft === 0) return `expires ${date} (today)`;
  return `expires ${date} (in ${cert.daysLeft} day${cert.daysLeft === 1 ? '' : 's'})`;
}

export interface IdpAlert {
  slug: string;
  message: string;
}

/** What needs the admin: certificates ending within 30 days or ended, a metadata URL that fails. */
export function idpAlerts(idps: readonly IdentityProvider[]): IdpAlert[] {
  const alerts: IdpAlert[] = [];
  for (const idp of idps) {
    const name = idp.name || idp.slug;
    const last = [...(idp.signingCertificates ?? [])].sort((a, b) => b.daysLeft - a.daysLeft)[0];
    if (idp.certificateWarning === 'expired')
      alerts.push({
        slug: idp.slug,
        message: `${name}: every signing certificate has expired, so its sign-ins are refused. Add the IdP's new certificate.`,
      });
    else if (idp.certificateWarning === 'expiring' && last)
      alerts.push({
        slug: idp.slug,
        message: `${name}: the signing certificate ${certificateLine(last)}. Add the IdP's new certificate before then.`,
      });
    if (idp.metadataRefresh?.error)
      alerts.push({
        slug: idp.slug,
        message: `${name}: its metadata URL could not be read (${idp.metadataRefresh.error}); the last good settings stay in use.`,
      });
  }
  return alerts;
}
