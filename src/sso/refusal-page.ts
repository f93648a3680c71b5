import type { Response } from 'express';
import { escapeHtml } from '../common/html';
import { htmlSecurityHeaders } from '../common/security-headers';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}`;

/**
 * The plain page a person sees when a sign-in is refused: the reason in words and a reference their
 * administrator can find in the log and the audit trail. Nothing technical, no stack, no tokens.
 */
export function sendRefusalPage(
  res: Response,
  status: number,
  reason: string,
  correlationId: string,
  workspace?: string,
): void {
  const where = workspace ? ` to ${escapeHtml(workspace)}` : '';
  const sentence = reason.charAt(0).toUpperCase() + reason.slice(1);
  htmlSecurityHeaders(res, { styles: [STYLE] });
  res
    .status(status)
    .type('html')
    .send(
      `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in refused</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body><h1>You could not be signed in${where}</h1>
<p>${escapeHtml(sentence)}.</p>
<p>If you think this is wrong, tell your administrator this reference: <code>${escapeHtml(correlationId)}</code></p>
</body></html>`,
    );
}

/**
 * The page for a sign-in that failed on our side (database down, an unexpected error): 503 with
 * Retry-After, and nothing that blames the person or their identity provider.
 */
export function sendRetryPage(res: Response, correlationId: string): void {
  res
    .status(503)
    .type('html')
    .set('Cache-Control', 'no-store')
    .set('Retry-After', '5')
    .send(
      `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in unavailable</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>Sign-in is unavailable right now</h1>
<p>Something went wrong on our side, not with your account. Try again in a moment.</p>
<p>If it keeps happening, tell your administrator this reference: <code>${escapeHtml(correlationId)}</code></p>
</body></html>`,
    );
}
