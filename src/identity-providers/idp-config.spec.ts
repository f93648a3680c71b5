import { oidcConfigOf, readIdpConfig, samlConfigOf } from './idp-config';

describe('identity provider settings, read typed', () => {
  it('keeps each known key of the right type, drops the others and unknown keys', () => {
    expect(
      readIdpConfig({
        entityId: 'https://idp.example/entity',
        certificates: ['PEM', 3],
        ssoBinding: 'artifact',
        clockSkewSeconds: 1.5,
        responseLimits: { maxDepth: 40, maxElements: '300' },
        claimMapping: ['email'],
        graph: { directoryId: 'contoso', clientSecret: 'never stored here' },
        accountLinking: 'email',
        __proto__: { debug: true },
        extra: 1,
      }),
    ).toEqual({
      entityId: 'https://idp.example/entity',
      certificates: ['PEM'],
      responseLimits: { maxDepth: 40 },
      graph: { directoryId: 'contoso' },
      accountLinking: 'email',
    });
  });

  it('reads no object as no settings, and an empty source list as the default', () => {
    for (const stored of [null, undefined, [], 'x', 7]) expect(readIdpConfig(stored)).toEqual({});
    expect(readIdpConfig({ groupsFrom: [] })).toEqual({});
    expect(readIdpConfig({ groupsFrom: ['access_token', 'x', 'id_token'] })).toEqual({
      groupsFrom: ['access_token', 'id_token'],
    });
  });

  it("gives each protocol's settings to its own IdPs only", () => {
    const config = readIdpConfig({ issuer: 'https://op.example', clientId: 'c' });
    expect(oidcConfigOf({ type: 'oidc', config })).toEqual({ issuer: 'https://op.example', clientId: 'c' });
    expect(() => samlConfigOf({ type: 'oidc', config })).toThrow(
      'identity provider of type oidc has no SAML settings',
    );
    expect(() => oidcConfigOf({ type: 'saml', config })).toThrow(
      'identity provider of type saml has no OIDC settings',
    );
  });
});
