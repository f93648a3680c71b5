import type { IdentityProvider, MetadataRefreshStatus } from './identity-provider.entity';
import {
  certificateInfo,
  type CertificateInfo,
  type CertificateWarning,
  certificateWarning,
} from './idp-checks';

export interface IdpHealthView {
  /** SAML: each signing certificate's dates (OIDC keys come from the JWKS and have none here). */
  signingCertificates: CertificateInfo[];
  /** `expiring`: the longest-lasting certificate ends within 30 days; `expired`: all have ended. */
  certificateWarning: CertificateWarning;
  /** SAML with idpMetadataUrl: the last re-read; null when never re-read or no URL. */
  metadataRefresh: MetadataRefreshStatus | null;
}

/** What the IdP page and the overview warn about: certificate expiry and metadata refresh failures. */
export function idpHealthView(idp: IdentityProvider, now = new Date()): IdpHealthView {
  const pems = idp.type === 'saml' && 'certificates' in idp.config ? (idp.config.certificates ?? []) : [];
  const signingCertificates = pems
    .map((pem) => certificateInfo(pem, now))
    .filter((info): info is CertificateInfo => info !== null);
  return {
    signingCertificates,
    certificateWarning: certificateWarning(signingCertificates, now),
    metadataRefresh: idp.metadataRefresh,
  };
}
