import type { IdentityProvider } from '../api/types';
import { connectionForm, connectionPatch, splitCertificates } from './idp-connection';

const PEM_A = '-----BEGIN CERTIFICATE-----\nMIIBaaaa\n-----END CERTIFICATE-----';
const PEM_B = '-----BEGIN CERTIFICATE-----\nMIIBbbbb\n-----END CERTIFICATE-----';
const base = {
  id: '1',
  enabled: true,
  syncPaused: false,
  loginUrl: 'http://x/login',
  groupSync: { removal: 'enforce', adminGroups: [], claims: ['groups'], defaultRole: 'guest', jit: true },
};
const saml: IdentityProvider = {
  ...base,
  slug: 'adfs',
  name: 'Partner ADFS',
  type: 'saml',
  hasClientSecret: false,
  entityId: 'https://adfs.example/trust',
  ssoUrl: 'https://adfs.example/ls/',
  certificates: [PEM_A],
  idpMetadataUrl: 'https://adfs.example/metadata.xml',
  clockSkewSeconds: 60,
};
const oidc: IdentityProvider = {
  ...base,
  slug: 'okta',
  name: 'Okta',
  type: 'oidc',
  hasClientSecret: true,
  issuer: 'https://acme.okta.com',
  clientId: 'old-client',
  scopes: ['openid', 'email', 'groups'],
  pkce: true,
  claimMapping: { email: 'upn' },
};

describe('IdP connection form', () => {
  it('sends nothing when nothing changed, and never the stored secret', () => {
    expect(connectionPatch(saml, connectionForm(saml))).toEqual({ body: {} });
    const form = connectionForm(oidc);
    expect(form.clientSecret).toBe('');
    expect(form.scopes).toBe('openid email groups');
    expect(form.claimEmail).toBe('upn');
    expect(connectionPatch(oidc, form)).toEqual({ body: {} });
  });

  it('SAML: sends only the changed settings, certificates split into PEM blocks', () => {
    const form = {
      ...connectionForm(saml),
      ssoUrl: ' https://adfs.example/ls/new ',
      certificates: `${PEM_A}\n\n${PEM_B}\n`,
      wantResponseSigned: true,
    };
    expect(connectionPatch(saml, form)).toEqual({
      body: { ssoUrl: 'https://adfs.example/ls/new', certificates: [PEM_A, PEM_B], wantResponseSigned: true },
    });
  });

  it('SAML: an emptied metadata URL stops reading it; pasted metadata is checked before it is sent', () => {
    expect(connectionPatch(saml, { ...connectionForm(saml), idpMetadataUrl: '' })).toEqual({
      body: { idpMetadataUrl: null },
    });
    const spMetadata =
      '<EntityDescriptor entityID="x"><SPSSODescriptor><X509Certificate>a</X509Certificate></SPSSODescriptor></EntityDescriptor>';
    const refused = connectionPatch(saml, { ...connectionForm(saml), metadataXml: spMetadata });
    expect('errors' in refused && refused.errors.metadataXml).toMatch(/service provider's metadata/);
    const url = connectionPatch(saml, { ...connectionForm(saml), metadataXml: 'https://adfs.example/m.xml' });
    expect(url).toEqual({ errors: { metadataXml: 'This is a URL: put it in "Metadata URL" above' } });
    const both = connectionPatch(saml, {
      ...connectionForm(saml),
      idpMetadataUrl: 'https://adfs.example/other.xml',
      metadataXml: '<EntityDescriptor/>',
    });
    expect(both).toEqual({ errors: { metadataXml: 'Give the metadata URL or paste the XML, not both' } });
  });

  it('SAML: names an empty entity id, a bad URL, no certificate and a bad clock tolerance', () => {
    const form = {
      ...connectionForm(saml),
      entityId: ' ',
      ssoUrl: 'adfs.example/ls',
      certificates: '',
      clockSkewSeconds: '900',
    };
    expect(connectionPatch(saml, form)).toEqual({
      errors: {
        entityId: "The IdP's entity id cannot be empty",
        ssoUrl: 'An http(s):// URL',
        certificates: 'At least one signing certificate (PEM)',
        clockSkewSeconds: 'A whole number of seconds, 0 to 600',
      },
    });
  });

  it('OIDC: a blank secret keeps it, a typed one replaces it; client id, PKCE, scopes and mapping', () => {
    const form = {
      ...connectionForm(oidc),
      clientId: 'new-client',
      pkce: false,
      scopes: ' openid  profile ',
      claimEmail: '',
      claimDisplayName: 'preferred_username',
    };
    expect(connectionPatch(oidc, form)).toEqual({
      body: {
        clientId: 'new-client',
        pkce: false,
        scopes: ['openid', 'profile'],
        claimMapping: { displayName: 'preferred_username' },
      },
    });
    expect(connectionPatch(oidc, { ...connectionForm(oidc), clientSecret: 's3cret value' })).toEqual({
      body: { clientSecret: 's3cret value' },
    });
  });

  it('OIDC: names a removed endpoint, a bad URL, an empty client id and scopes without openid', () => {
    const form = {
      ...connectionForm(oidc),
      issuer: '',
      tokenUrl: 'not a url',
      clientId: '',
      scopes: 'email',
    };
    expect(connectionPatch(oidc, form)).toEqual({
      errors: {
        issuer: 'Cannot be removed once set: type the URL to use',
        tokenUrl: 'An http(s):// URL',
        clientId: 'The client id cannot be empty',
        scopes: 'Include openid (an OpenID Connect sign-in needs it)',
      },
    });
  });

  it('sends a changed name and the enabled switch, for either protocol', () => {
    expect(connectionPatch(oidc, { ...connectionForm(oidc), name: ' Okta EU ', enabled: false })).toEqual({
      body: { name: 'Okta EU', enabled: false },
    });
    expect(connectionPatch(oidc, { ...connectionForm(oidc), name: '' })).toEqual({
      errors: { name: 'A display name, e.g. the IdP product' },
    });
  });

  it('splits pasted certificates into PEM blocks; bare base64 is one certificate', () => {
    expect(splitCertificates(`junk ${PEM_A} between ${PEM_B}`)).toEqual([PEM_A, PEM_B]);
    expect(splitCertificates('  MIIBaaaa  ')).toEqual(['MIIBaaaa']);
    expect(splitCertificates(' \n')).toEqual([]);
  });
});
