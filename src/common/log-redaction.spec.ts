import { CENSOR, redactQuery, redactRequest, redactResponse, redactUrl } from './log-redaction';

describe('log redaction of URLs and queries', () => {
  it('replaces the values of sign-in secrets in query strings, keeping the rest', () => {
    expect(redactUrl('/sso/acme/okta/callback?code=abc123&state=s3cr3t&iss=https%3A%2F%2Fidp')).toBe(
      `/sso/acme/okta/callback?code=${CENSOR}&state=${CENSOR}&iss=https%3A%2F%2Fidp`,
    );
    expect(redactUrl('/dev-idp/sso?SAMLRequest=fZJBb&RelayState=%2Fhome&SigAlg=rsa&Signature=xyz')).toBe(
      `/dev-idp/sso?SAMLRequest=${CENSOR}&RelayState=${CENSOR}&SigAlg=rsa&Signature=${CENSOR}`,
    );
    expect(redactUrl('/x?%63ode=encoded-name&access_token=t&ID_TOKEN=u')).toBe(
      `/x?%63ode=${CENSOR}&access_token=${CENSOR}&ID_TOKEN=${CENSOR}`,
    );
    expect(redactUrl('/api/v1/tenants?limit=5')).toBe('/api/v1/tenants?limit=5');
    expect(redactUrl('/health')).toBe('/health');
  });

  it('shows only query values known to be harmless: any other parameter, whatever its name, is redacted', () => {
    expect(
      redactUrl(
        '/api/v1/tenants?api_key=S1&code%5B%5D=S2&client_assertion=S4&SAMLart=S5&limit=5&returnTo=%2Fx',
      ),
    ).toBe(
      `/api/v1/tenants?api_key=${CENSOR}&code%5B%5D=${CENSOR}&client_assertion=${CENSOR}&SAMLart=${CENSOR}&limit=5&returnTo=%2Fx`,
    );
    expect(redactQuery({ x_token: 'S6', Limit: '5' })).toEqual({ x_token: CENSOR, Limit: '5' });
  });

  it('redacts the parsed query and the request URL together', () => {
    expect(redactQuery({ code: 'abc', limit: '5' })).toEqual({ code: CENSOR, limit: '5' });
    expect(redactRequest({ url: '/cb?state=x', query: { state: 'x' }, method: 'GET' })).toEqual({
      url: `/cb?state=${CENSOR}`,
      query: { state: CENSOR },
      method: 'GET',
    });
  });

  it('logs only headers known to be harmless: any other header, whatever its name, is redacted', () => {
    const { headers } = redactRequest({
      url: '/x',
      headers: {
        'user-agent': 'curl/8',
        'x-correlation-id': 'abc',
        'x-auth-token': 'SECRET-1',
        'X-XSRF-Token': 'SECRET-2',
        'x-vendor-key': 'SECRET-3',
        authorization: 'Bearer SECRET-4',
        referer: 'https://app/cb?code=SECRET-5&x=1',
      },
    });
    expect(headers).toEqual({
      'user-agent': 'curl/8',
      'x-correlation-id': 'abc',
      'x-auth-token': CENSOR,
      'X-XSRF-Token': CENSOR,
      'x-vendor-key': CENSOR,
      authorization: CENSOR,
      referer: `https://app/cb?code=${CENSOR}&x=${CENSOR}`,
    });
  });

  it('redacts the Location of a redirect to the IdP', () => {
    expect(
      redactResponse({
        statusCode: 302,
        headers: { location: 'https://idp/auth?client_id=c&state=s&nonce=n' },
      }),
    ).toEqual({
      statusCode: 302,
      headers: { location: `https://idp/auth?client_id=c&state=${CENSOR}&nonce=${CENSOR}` },
    });
    expect(redactResponse({ statusCode: 200, headers: {} })).toEqual({ statusCode: 200, headers: {} });
  });
});
