import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { errorBodyOf } from '../common/all-exceptions.filter';
import { AppError, ErrorBody } from '../common/errors';
import { ErrorRenderer } from '../common/http';

/** RFC 7644 section 3.12's scimType values. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

const SCIM_TYPES: ReadonlySet<string> = new Set<ScimType>([
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

/** The API's own codes that have a SCIM meaning, raised by the shared parsers, guards, rules and database. */
const SCIM_TYPE_BY_CODE: Readonly<Record<string, ScimType>> = {
  invalid_json: 'invalidSyntax',
  conflict: 'uniqueness',
  last_owner: 'mutability',
  invalid_key: 'invalidPath',
  invalid_string: 'invalidValue',
};

/**
 * An error answered in the SCIM error schema: the code is the RFC 7644 scimType (its status from
 * the one table, common/error-codes.ts), or not_found (404, no scimType).
 */
export const scimError = (code: ScimType | 'not_found', detail: string): AppError =>
  new AppError(code, detail);

export const scimNotFound = (what: 'User' | 'Group', id: string): AppError =>
  scimError('not_found', `${what} ${id} not found`);
export const invalidValue = (detail: string): AppError => scimError('invalidValue', detail);

/** An error body in RFC 7644's error schema, with the scimType its code stands for. */
export const renderScimError: ErrorRenderer = (res: Response, body: ErrorBody) => {
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
};

/**
 * SCIM clients get RFC 7644's error schema for whatever the SCIM controller, its guard or its
 * services raise. (Errors before the router, from the body parsers or an unknown SCIM path, get the
 * same renderer through `renderErrorsWith`, mounted on /scim in bootstrap.)
 */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (!res.headersSent) renderScimError(res, errorBodyOf(exception, host));
  }
}
