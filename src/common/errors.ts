import { HttpStatus } from '@nestjs/common';

/** The one error shape of the admin API. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
  correlationId: string;
}

/**
 * A coded error thrown by services; the global filter turns it into the error shape. Codes are
 * stable strings clients may switch on; messages are for people.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string): AppError =>
  new AppError(
    HttpStatus.NOT_FOUND,
    `${what.toLowerCase().replace(/ /g, '_')}_not_found`,
    `${what} "${id}" was not found`,
  );

export const conflict = (code: string, message: string, details?: unknown): AppError =>
  new AppError(HttpStatus.CONFLICT, code, message, details);

export const badRequest = (code: string, message: string, details?: unknown): AppError =>
  new AppError(HttpStatus.BAD_REQUEST, code, message, details);

/** Unique-constraint violations on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { driverError?: { code?: string }; code?: string };
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
