// OpenAPI schemas of an IdP's health: certificate expiry and the metadata URL refresh.
import { int, ns, ntime, obj, ref, s, time, arrayOf, type Schema } from './openapi-schema-parts';

/** The properties the IdentityProvider schema gains (src/identity-providers/idp-health-view.ts). */
export const IDP_HEALTH_PROPERTIES: Record<string, Schema> = {
  idpMetadataUrl: { type: 'string', description: 'SAML: where the IdP metadata is read again on a schedule' },
  signingCertificates: {
    ...arrayOf(ref('CertificateInfo')),
    description: "SAML: each signing certificate's dates; empty for OIDC",
  },
  certificateWarning: {
    type: 'string',
    enum: ['expiring', 'expired'],
    nullable: true,
    description:
      'expiring: the longest-lasting signing certificate ends within 30 days; expired: all have ended; null: fine',
  },
  metadataRefresh: { ...ref('MetadataRefreshStatus'), nullable: true },
};

export const IDP_HEALTH_SCHEMAS: Record<string, Schema> = {
  CertificateInfo: obj({
    subject: { ...ns, description: 'The subject CN' },
    notBefore: time,
    notAfter: time,
    daysLeft: { ...int, description: 'Whole days until notAfter; negative once expired' },
    sha256: { ...s, description: 'SHA-256 fingerprint of the DER, hex' },
  }),
  MetadataRefreshStatus: {
    ...obj({
      checkedAt: time,
      changedAt: { ...ntime, description: 'When a read last changed the settings' },
      error: {
        ...ns,
        description: 'Why the last read failed (the working settings were kept); null: it worked',
      },
    }),
    nullable: true,
  },
  MetadataRefreshResult: obj({
    changed: { type: 'boolean' },
    error: { ...ns, description: 'Why the read failed; the settings are unchanged' },
    changes: {
      ...arrayOf(s),
      description: 'entityId, ssoUrl, ssoBinding, certificates: what this read changed',
    },
    metadataRefresh: ref('MetadataRefreshStatus'),
  }),
};
