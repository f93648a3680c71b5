import { HttpStatus } from '@nestjs/common';
import { AppError } from '../common/errors';

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers';

/** An error answered in the SCIM error schema: the code is the RFC 7644 scimType. */
export const scimError = (status: HttpStatus, scimType: ScimType | null, detail: string): AppError =>
  new AppError(status, scimType ?? (status === HttpStatus.NOT_FOUND ? 'not_found' : 'scim_error'), detail);

export const scimNotFound = (what: 'User' | 'Group', id: string): AppError =>
  scimError(HttpStatus.NOT_FOUND, null, `${what} ${id} not found`);
export const invalidValue = (detail: string): AppError =>
  scimError(HttpStatus.BAD_REQUEST, 'invalidValue', detail);
