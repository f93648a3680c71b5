import { routeTemplateOf, signInOutcomeOf } from './http-metrics';
import { causeOf } from './json-logger';

describe('metric labels never carry a path', () => {
  it('uses the matched route template (slugs and ids stay out)', () => {
    expect(
      routeTemplateOf({ route: { path: '/sso/:tenant/:idp/acs' }, baseUrl: '', path: '/sso/acme/entra/acs' }),
    ).toBe('/sso/:tenant/:idp/acs');
  });

  it('maps requests answered before routing to their template, and anything else to "other"', () => {
    expect(routeTemplateOf({ route: undefined, baseUrl: '', path: '/sso/acme/entra/callback' })).toBe(
      '/sso/:tenant/:idp/callback',
    );
    expect(routeTemplateOf({ route: undefined, baseUrl: '', path: '/scim/v2/acme/Users/42' })).toBe(
      '/scim/v2/:tenant/:resource/:id',
    );
    expect(routeTemplateOf({ route: undefined, baseUrl: '', path: '/acme/ada@example.com' })).toBe('other');
  });

  it('reads a sign-in outcome from the status', () => {
    expect([302, 303, 401, 403, 429, 500].map(signInOutcomeOf)).toEqual([
      'success',
      'success',
      'refused',
      'refused',
      'rate_limited',
      'error',
    ]);
  });
});

describe('causeOf (one line per failure in the log)', () => {
  it('keeps the first line of a stack and names an aggregate error by its parts', () => {
    expect(causeOf('Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap')).toBe(
      'Error: connect ECONNREFUSED 127.0.0.1:5432',
    );
    const both = new AggregateError([
      new Error('connect ECONNREFUSED ::1:5432'),
      new Error('connect ECONNREFUSED 127.0.0.1:5432'),
    ]);
    expect(causeOf(both)).toBe(
      'AggregateError: connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
  });
});
