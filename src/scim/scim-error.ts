import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
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

/** The API's own codes that have a SCIM meaning, raised by the shared parsers, guards and database. */
const SCIM_TYPE_BY_CODE: Readonly<Record<string, ScimType>> = {
  invalid_json: 'invalidSyntax',
  conflict: 'uniqueness',
  invalid_key: 'invalidPath',
  invalid_string: 'invalidValue',
};

/** An error answered in the SCIM error schema: the code is the RFC 7644 scimType. */
export const scimError = (status: HttpStatus, scimType: ScimType | null, detail: string): AppError =>
  new AppError(status, scimType ?? (status === HttpStatus.NOT_FOUND ? 'not_found' : 'scim_error'), detail);

export const scimNotFound = (what: 'User' | 'Group', id: string): AppError =>
  scimError(HttpStatus.NOT_FOUND, null, `${what} ${id} not found`);
export const invalidValue = (detail: string): AppError =>
  scimError(HttpStatus.BAD_REQUEST, 'invalidValue', detail);

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
