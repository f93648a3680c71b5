import { ErrorCode, statusOf } from './error-codes';

/** The one error shape of the admin API. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: unknown;
  correlationId: string;
}

/**
 * A coded error thrown by services; the global filter turns it into the error shape. The code
 * decides the HTTP status (error-codes.ts, the one table); messages are for people.
 */
export class AppError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.statusCode = statusOf(code);
  }
}

export const notFound = (what: string, id: string): AppError =>
  new AppError(`${what.toLowerCase().replace(/ /g, '_')}_not_found`, `${what} "${id}" was not found`);

/** A 409 of the given code: the readers' word for the table's conflict codes. */
export const conflict = (code: ErrorCode, message: string, details?: unknown): AppError =>
  new AppError(code, message, details);

/** A 400 of the given code: the readers' word for the table's bad-request codes. */
export const badRequest = (code: ErrorCode, message: string, details?: unknown): AppError =>
  new AppError(code, message, details);

/** PostgreSQL's answer to a lock taken with NOWAIT that another transaction holds. */
export function isLockNotAvailable(error: unknown): boolean {
  const e = error as { driverError?: { code?: string }; code?: string };
  return (e?.driverError?.code ?? e?.code) === '55P03';
}

/** Unique-constraint violations on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { driverError?: { code?: string }; code?: string };
  const code = e?.driverError?.code ?? e?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
