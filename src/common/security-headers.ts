import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * Browser-facing protections in one place. Every response: nosniff, no referrer, no framing, and a
 * CSP that allows nothing (JSON needs nothing) and no-store (admin answers carry tokens and personal
 * data). HTML pages replace the CSP with exactly what they use (`htmlSecurityHeaders`); the OpenAPI
 * viewer gets its own.
 */
const NOTHING = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const API_DOCS =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function securityHeadersMiddleware(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  if (req.path === '/api/docs' || req.path.startsWith('/api/docs/')) {
    res.setHeader('Content-Security-Policy', API_DOCS);
  } else {
    res.setHeader('Content-Security-Policy', NOTHING);
    res.setHeader('Cache-Control', 'no-store');
  }
  next();
}

/** The CSP source for one inline <style> or <script> body, exactly as it appears in the page. */
const cspHash = (inline: string): string =>
  `'sha256-${createHash('sha256').update(inline, 'utf8').digest('base64')}'`;

export interface HtmlPolicy {
  /** Inline <style> bodies the page carries. */
  styles?: string[];
  /** Inline <script> bodies the page carries. */
  scripts?: string[];
  /** Where the page's forms post ("'self'" or origins); none when absent. */
  formAction?: string[];
}

/** The headers of an HTML page: a CSP naming only its own inline style and script, no caching. */
export function htmlSecurityHeaders(res: Response, policy: HtmlPolicy = {}): void {
  const list = (sources: string[] | undefined) => (sources?.length ? sources.join(' ') : "'none'");
  const csp = [
    "default-src 'none'",
    `style-src ${list(policy.styles?.map(cspHash))}`,
    `script-src ${list(policy.scripts?.map(cspHash))}`,
    `form-action ${list(policy.formAction)}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
}
