import type { NextFunction, Request, Response } from 'express';
import type { MetricsService, SignInOutcome, SignInProtocol } from './metrics.service';

/** Routes answered before routing (rate limits, body limits) still get their template, not their path. */
const KNOWN_TEMPLATES: [RegExp, string][] = [
  [/^\/sso\/[^/]+\/[^/]+\/acs$/, '/sso/:tenant/:idp/acs'],
  [/^\/sso\/[^/]+\/[^/]+\/callback$/, '/sso/:tenant/:idp/callback'],
  [/^\/sso\/[^/]+\/[^/]+\/login$/, '/sso/:tenant/:idp/login'],
  [/^\/scim\/v2\/[^/]+\/[^/]+\/[^/]+$/, '/scim/v2/:tenant/:resource/:id'],
  [/^\/scim\/v2\/[^/]+\/[^/]+$/, '/scim/v2/:tenant/:resource'],
];
const SIGN_IN_ROUTES: Record<string, SignInProtocol> = {
  '/sso/:tenant/:idp/acs': 'saml',
  '/sso/:tenant/:idp/callback': 'oidc',
};
const SCIM_RESOURCES = new Set(['Users', 'Groups', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas']);

/** The route template a request was served by: never the path itself, which holds slugs and ids. */
export function routeTemplateOf(req: Pick<Request, 'route' | 'baseUrl' | 'path'>): string {
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof routePath === 'string') return `${req.baseUrl ?? ''}${routePath}`;
  for (const [pattern, template] of KNOWN_TEMPLATES) if (pattern.test(req.path)) return template;
  return 'other';
}

export function signInOutcomeOf(status: number): SignInOutcome {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'error';
  if (status >= 400) return 'refused';
  return 'success';
}

/** Per request: latency by route, and the sign-in and SCIM counters for their routes. */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      try {
        record(metrics, req, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      } catch {
        // Metrics never break an answer (prom-client refuses odd labels, e.g. under prototype pollution).
      }
    });
    next();
  };
}

function record(metrics: MetricsService, req: Request, status: number, seconds: number): void {
  const route = routeTemplateOf(req);
  metrics.recordHttp(route, req.method, status, seconds);
  const protocol = SIGN_IN_ROUTES[route];
  if (protocol) metrics.recordSignIn(protocol, signInOutcomeOf(status), seconds);
  if (route.startsWith('/scim/v2/')) {
    const segment = req.path.split('/')[4] ?? '';
    metrics.recordScimRequest(SCIM_RESOURCES.has(segment) ? segment : 'other', req.method, status);
  }
}
