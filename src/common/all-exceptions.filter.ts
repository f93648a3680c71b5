import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { AppError, ErrorBody, isUniqueViolation } from './errors';
import { sendError } from './http';
import type { GroupsyncRequest } from './request-context';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

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
    const code = (typeof response === 'object' && response.code) || CODE_BY_STATUS[statusCode] || 'error';
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
