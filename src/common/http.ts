import { randomUUID } from 'node:crypto';
import express, { NextFunction, Response } from 'express';
import type { ErrorBody } from './errors';
import type { GroupsyncRequest } from './request-context';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const MAX_BODY = '1mb';

/** Takes a caller's X-Correlation-Id / X-Request-Id when it is sane, else makes one; echoes it back. */
export function correlationIdMiddleware(req: GroupsyncRequest, res: Response, next: NextFunction): void {
  const given = req.headers['x-correlation-id'] ?? req.headers['x-request-id'];
  const candidate = Array.isArray(given) ? given[0] : given;
  req.correlationId = candidate && CORRELATION_ID.test(candidate) ? candidate : randomUUID();
  res.setHeader('X-Correlation-Id', req.correlationId);
  next();
}

/** Writes an error body as a feature's clients expect it (SCIM: RFC 7644's error schema). */
export type ErrorRenderer = (res: Response, body: ErrorBody) => void;

/**
 * Middleware for the paths of a feature whose clients speak another error dialect: every error
 * answered on them, by a parser, a middleware or an unknown route, goes through `render`. The
 * feature mounts it on its own paths (bootstrap), so this file knows no feature.
 */
export function renderErrorsWith(render: ErrorRenderer): express.RequestHandler {
  return (_req, res, next) => {
    res.locals.renderError = render;
    next();
  };
}

/** The one writer of error answers: the API's JSON shape, or the renderer the route's feature set. */
export function sendError(res: Response, body: ErrorBody): void {
  if (res.headersSent) return;
  const render = res.locals?.renderError as ErrorRenderer | undefined;
  if (render) return render(res, body);
  res.status(body.statusCode).type('application/json').send(JSON.stringify(body));
}

/**
 * Body parsers that answer their own errors in the API's shape: they run before Nest's router,
 * where exception filters cannot see them.
 */
export function bodyParsers(): express.RequestHandler[] {
  const parsers = [
    express.json({ limit: MAX_BODY, type: ['application/json', 'application/*+json'] }),
    express.urlencoded({ limit: MAX_BODY, extended: false }),
  ];
  return parsers.map(
    (parse) => (req, res, next) =>
      parse(req, res, (err?: { type?: string; status?: number; message?: string }) => {
        if (!err) return next();
        const correlationId = (req as GroupsyncRequest).correlationId ?? 'none';
        if (err.type === 'entity.too.large') {
          return sendError(res, {
            statusCode: 413,
            code: 'payload_too_large',
            message: `Request body is larger than ${MAX_BODY}`,
            correlationId,
          });
        }
        if (err.type === 'entity.parse.failed') {
          return sendError(res, {
            statusCode: 400,
            code: 'invalid_json',
            message: 'Request body is not valid JSON',
            correlationId,
          });
        }
        return sendError(res, {
          statusCode: err.status ?? 400,
          code: 'bad_request',
          message: err.message ?? 'Unreadable request body',
          correlationId,
        });
      }),
  );
}
