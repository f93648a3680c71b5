import { ApiError } from '../api/client';
import type { IdentityProvider } from '../api/types';
import { placeErrors } from './form-errors';
import { CONNECTION_FIELDS, connectionForm, connectionPatch, splitCertificates } from './idp-connection';

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

  it('SAML: the response limits go as one object, blank ones left to their default; bounds are checked', () => {
    const limited = { ...saml, responseLimits: { maxDepth: 40, maxElements: 8000 } };
    const form = connectionForm(limited);
    expect([form.limitDepth, form.limitElements, form.limitResponseBytes]).toEqual(['40', '8000', '']);
    expect(connectionPatch(limited, form)).toEqual({ body: {} });
    expect(connectionPatch(limited, { ...form, limitElements: '', limitResponseBytes: ' 524288 ' })).toEqual({
      body: { responseLimits: { maxResponseBytes: 524288, maxDepth: 40 } },
    });
    expect(connectionPatch(limited, { ...form, limitDepth: '', limitElements: '' })).toEqual({
      body: { responseLimits: {} },
    });
    expect(connectionPatch(limited, { ...form, limitDepth: '65', limitAttributes: '2.5' })).toEqual({
      errors: {
        limitDepth: 'A whole number from 16 to 64, or empty for the default',
        limitAttributes: 'A whole number from 16 to 128, or empty for the default',
      },
    });
  });

  it('OIDC: groups sources in the order typed; an unknown, repeated or missing source is named', () => {
    expect(connectionForm(oidc).groupsFrom).toBe('id_token userinfo access_token');
    const change = (groupsFrom: string) => connectionPatch(oidc, { ...connectionForm(oidc), groupsFrom });
    expect(change(' userinfo,id_token ')).toEqual({ body: { groupsFrom: ['userinfo', 'id_token'] } });
    expect(change('userinfo groups')).toEqual({
      errors: { groupsFrom: 'Not a source: groups (id_token, userinfo, access_token)' },
    });
    expect(change('userinfo userinfo')).toEqual({ errors: { groupsFrom: 'Name each source once' } });
    expect(change(' ')).toEqual({
      errors: { groupsFrom: 'At least one of id_token, userinfo, access_token' },
    });
  });

  it('either protocol: domains one a line (empty clears), account linking and debug when changed', () => {
    const held = { ...saml, allowedDomains: ['acme.test'], accountLinking: 'unowned' as const };
    expect(connectionForm(held).allowedDomains).toBe('acme.test');
    expect(connectionPatch(held, connectionForm(held))).toEqual({ body: {} });
    const form = {
      ...connectionForm(held),
      allowedDomains: '',
      verifiedDomains: 'acme.test\n xn--bcher-kva.example, acme.example\n',
      accountLinking: 'email' as const,
      debug: true,
    };
    expect(connectionPatch(held, form)).toEqual({
      body: {
        allowedDomains: [],
        verifiedDomains: ['acme.test', 'xn--bcher-kva.example', 'acme.example'],
        accountLinking: 'email',
        debug: true,
      },
    });
    expect(
      connectionPatch(oidc, { ...connectionForm(oidc), allowedDomains: 'acme.test\n@acme.test\n.acme' }),
    ).toEqual({
      errors: { allowedDomains: 'Not a domain name like example.com: @acme.test, .acme' },
    });
  });

  it('Graph: sent with its directory id, only changed fields; a blank secret keeps it', () => {
    const entra = {
      ...oidc,
      graph: { directoryId: 'contoso.example', clientId: 'graph-app', hasClientSecret: true },
    };
    expect(connectionForm(entra).graphClientSecret).toBe('');
    expect(connectionPatch(entra, connectionForm(entra))).toEqual({ body: {} });
    const change = (more: Partial<ReturnType<typeof connectionForm>>) =>
      connectionPatch(entra, { ...connectionForm(entra), ...more });
    expect(change({ graphBaseUrl: ' https://graph.example ' })).toEqual({
      body: { graph: { directoryId: 'contoso.example', baseUrl: 'https://graph.example' } },
    });
    expect(change({ graphClientSecret: 'graph secret' })).toEqual({
      body: { graph: { directoryId: 'contoso.example', clientSecret: 'graph secret' } },
    });
    expect(change({ graphDirectoryId: 'fabrikam.example' })).toEqual({
      body: { graph: { directoryId: 'fabrikam.example' } },
    });
    expect(change({ graphDirectoryId: '', graphClientId: '', graphTokenUrl: 'login.example/token' })).toEqual(
      {
        errors: {
          graphDirectoryId: 'The Entra directory (tenant) id is needed for Graph access',
          graphClientId: 'Cannot be removed once set: type the value to use',
          graphTokenUrl: 'An http(s):// URL',
        },
      },
    );
    // Without stored Graph settings, a client id alone is not enough.
    expect(connectionPatch(oidc, { ...connectionForm(oidc), graphClientId: 'graph-app' })).toEqual({
      errors: { graphDirectoryId: 'The Entra directory (tenant) id is needed for Graph access' },
    });
  });

  it("places the service's refusals of the new fields beside their inputs", () => {
    const refusal = new ApiError(400, 'validation_failed', 'Invalid request', [
      { field: 'graph.clientId', problems: ['clientId should not be empty'] },
      { field: 'graph.directoryId', problems: ['directoryId must be a string'] },
      { field: 'responseLimits.maxElements', problems: ['maxElements must not be less than 200'] },
      { field: 'allowedDomains', problems: ['allowedDomains must be domain names like example.com'] },
    ]);
    expect(placeErrors(refusal, CONNECTION_FIELDS)).toEqual({
      byField: {
        graphClientId: ['clientId should not be empty'],
        graphDirectoryId: ['directoryId must be a string'],
        limitElements: ['maxElements must not be less than 200'],
        allowedDomains: ['allowedDomains must be domain names like example.com'],
      },
      rest: [],
    });
    const saveCheck = new ApiError(
      400,
      'invalid_identity_provider',
      'graph.baseUrl must be an https:// URL',
      {
        field: 'graph.baseUrl',
      },
    );
    expect(placeErrors(saveCheck, CONNECTION_FIELDS).byField).toEqual({
      graphBaseUrl: ['graph.baseUrl must be an https:// URL'],
    });
  });

  it('splits pasted certificates into PEM blocks; bare base64 is one certificate', () => {
    expect(splitCertificates(`junk ${PEM_A} between ${PEM_B}`)).toEqual([PEM_A, PEM_B]);
    expect(splitCertificates('  MIIBaaaa  ')).toEqual(['MIIBaaaa']);
    expect(splitCertificates(' \n')).toEqual([]);
  });
});
