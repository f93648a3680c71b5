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

const SCIM_TYPES = new Set([
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
]);
const SCIM_TYPE_BY_CODE: Record<string, string> = {
  invalid_json: 'invalidSyntax',
  conflict: 'uniqueness',
  invalid_key: 'invalidPath',
  invalid_string: 'invalidValue',
};

export function sendError(res: Response, body: ErrorBody): void {
  if (res.headersSent) return;
  // SCIM clients get RFC 7644's error schema, whatever raised the error (parsers, guards, services).
  if (res.req?.path?.startsWith('/scim/')) {
    const scimType = SCIM_TYPES.has(body.code) ? body.code : SCIM_TYPE_BY_CODE[body.code];
    res
      .status(body.statusCode)
      .type('application/scim+json')
      .send(
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: String(body.statusCode),
          ...(scimType ? { scimType } : {}),
          detail: body.message,
        }),
      );
    return;
  }
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
