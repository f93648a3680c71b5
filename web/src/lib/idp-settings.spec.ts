import type { CertificateInfo, IdentityProvider } from '../api/types';
import { certificateLine, idpAlerts, isMetadataUrl } from './idp-settings';

const cert = (daysLeft: number, notAfter = '2027-01-10T00:00:00.000Z'): CertificateInfo => ({
  subject: 'signing',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter,
  daysLeft,
  sha256: 'ab',
});
const idp = (extra: Partial<IdentityProvider>): IdentityProvider => ({
  id: '1',
  slug: 'entra',
  name: 'Entra',
  type: 'saml',
  enabled: true,
  syncPaused: false,
  loginUrl: 'http://x/login',
  hasClientSecret: false,
  groupSync: { removal: 'enforce', adminGroups: [], claims: ['groups'], defaultRole: 'guest', jit: true },
  ...extra,
});

describe('identity-provider page logic', () => {
  it('words certificate expiry for people', () => {
    expect(certificateLine(cert(12))).toBe('expires 2027-01-10 (in 12 days)');
    expect(certificateLine(cert(1))).toBe('expires 2027-01-10 (in 1 day)');
    expect(certificateLine(cert(0))).toBe('expires 2027-01-10 (today)');
    expect(certificateLine(cert(-3))).toBe('expired 2027-01-10 (3 days ago)');
  });

  it('tells a metadata URL from pasted XML', () => {
    expect(
      isMetadataUrl(
        ' https://login.microsoftonline.com/t/federationmetadata/2007-06/federationmetadata.xml ',
      ),
    ).toBe(true);
    expect(isMetadataUrl('<EntityDescriptor/>')).toBe(false);
    expect(isMetadataUrl('https://a b')).toBe(false);
  });

  it('raises an alert per IdP whose certificates end within 30 days or ended, or whose metadata URL fails', () => {
    expect(idpAlerts([idp({ certificateWarning: null, signingCertificates: [cert(200)] })])).toEqual([]);
    const alerts = idpAlerts([
      idp({ certificateWarning: 'expiring', signingCertificates: [cert(3), cert(20)] }),
      idp({ slug: 'okta', name: '', certificateWarning: 'expired', signingCertificates: [cert(-1)] }),
      idp({
        slug: 'adfs',
        name: 'ADFS',
        metadataRefresh: { checkedAt: 'x', changedAt: null, error: 'answered HTTP 500' },
      }),
    ]);
    expect(alerts.map((a) => a.slug)).toEqual(['entra', 'okta', 'adfs']);
    // the certificate that lasts longest is the one that counts
    expect(alerts[0].message).toContain('expires 2027-01-10 (in 20 days)');
    expect(alerts[1].message).toMatch(/^okta: every signing certificate has expired/);
    expect(alerts[2].message).toContain('could not be read (answered HTTP 500)');
  });
});
