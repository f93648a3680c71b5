import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { codeOfStatus } from './error-codes';
import { AppError, ErrorBody, isUniqueViolation } from './errors';
import { sendError } from './http';
import type { GroupsyncRequest } from './request-context';

const logger = new Logger('Errors');

/**
 * The error body of an exception, logged when it is the server's fault. The global filter sends it
 * in the API's shape; a feature's own filter (SCIM) renders the same body in its clients' dialect.
 */
export function errorBodyOf(exception: unknown, host: ArgumentsHost): ErrorBody {
  const req = host.switchToHttp().getRequest<GroupsyncRequest>();
  const body = toBody(exception, req.correlationId ?? 'none');
  if (body.statusCode >= 500)
    logger.error({ err: exception, correlationId: body.correlationId }, 'Unhandled error');
  return body;
}

/** The only place errors become HTTP answers. Clients never see a stack trace. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<Response>(), errorBodyOf(exception, host));
  }
}

function toBody(exception: unknown, correlationId: string): ErrorBody {
  if (exception instanceof AppError) {
    const { statusCode, code, message, details } = exception;
    return { statusCode, code, message, ...(details === undefined ? {} : { details }), correlationId };
  }
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse() as
      { message?: unknown; code?: string; details?: unknown } | string;
    if (typeof response === 'object' && Array.isArray(response.message)) {
      return {
        statusCode,
        code: 'validation_failed',
        message: `Invalid request: ${response.message.join('; ')}`,
        details: response.message,
        correlationId,
      };
    }
    const message = typeof response === 'string' ? response : String(response.message ?? exception.message);
    const code = (typeof response === 'object' && response.code) || codeOfStatus(statusCode);
    return { statusCode, code, message, correlationId };
  }
  if (isUniqueViolation(exception)) {
    return {
      statusCode: HttpStatus.CONFLICT,
      code: 'conflict',
      message: 'A record with the same unique values already exists',
      correlationId,
    };
  }
  return { statusCode: 500, code: 'internal_error', message: 'Internal server error', correlationId };
}
