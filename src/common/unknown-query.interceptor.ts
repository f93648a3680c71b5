import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { AppError } from './errors';

/**
 * Unknown query parameters on the admin API are an error, as unknown body fields are: a caller who
 * sends `DELETE .../groups/:id?dryRun=true` to a route without a dry run must not have it ignored
 * (and the group deleted). Routes that take a query declare it with `@Query()`, and the validation
 * pipe refuses what their DTO does not name; this covers the routes that take none. Only /api/:
 * sign-in routes receive what IdPs and browsers add (passport reads those itself).
 */
@Injectable()
export class UnknownQueryInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const keys = Object.keys((req.query ?? {}) as object);
    if (keys.length === 0 || !req.path.startsWith('/api/') || takesQuery(context)) return next.handle();
    const details = keys.map((field) => ({ field, problems: [`${field} is not a parameter of this route`] }));
    throw new AppError(
      'validation_failed',
      `Invalid request: this route takes no query parameters (got ${keys.join(', ')})`,
      details,
    );
  }
}

/** True when the handler has a `@Query()` parameter (its DTO or names decide what is allowed). */
function takesQuery(context: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ??
    {}) as Record<string, unknown>;
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
}
