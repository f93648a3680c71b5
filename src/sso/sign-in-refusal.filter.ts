import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { contextOf } from '../common/request-context';
import { sendRefusalPage, sendRetryPage } from './refusal-page';
import { SignInRefusal } from './sign-in-refusal';
import type { SignInRequest } from './sign-in-target';
import { SsoRefusalAudit } from './sso-refusal-audit';
import { TestSignInsService } from './test-sign-in/test-sign-ins.service';

/**
 * How a sign-in route ends when it does not sign anyone in, whichever part refused (the target
 * guard, a passport strategy, the sync): a refusal is the plain page with the reason, the log line
 * and the (possibly aggregated) audit event; anything else (the database, a bug) is a 503 retry
 * page, never a refusal.
 */
@Injectable()
@Catch()
export class SignInRefusalFilter implements ExceptionFilter {
  private readonly logger = new Logger('SSO');

  constructor(
    private readonly refusals: SsoRefusalAudit,
    private readonly tests: TestSignInsService,
  ) {}

  async catch(error: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<SignInRequest>();
    const res = host.switchToHttp().getResponse<Response>();
    const ctx = contextOf(req);
    const target = req.signIn;
    if (!(error instanceof SignInRefusal)) {
      this.logger.error(
        { err: error, idp: req.params?.idp, tenant: req.params?.tenant, correlationId: ctx.correlationId },
        'Sign-in failed on our side',
      );
      if (!res.headersSent) sendRetryPage(res, ctx.correlationId);
      return;
    }
    if (target) {
      this.logger.warn(
        {
          idp: target.idp.slug,
          tenant: target.tenant.slug,
          code: error.code,
          detail: error.detail,
          correlationId: ctx.correlationId,
        },
        `Sign-in refused: ${error.reason}`,
      );
      try {
        if (req.testSignInId) {
          // An admin's test: the refusal is its result (with its own audit event), shown in the admin UI.
          res.redirect(302, await this.tests.refused(target, req.testSignInId, error, ctx));
          return;
        }
        await this.refusals.record(target.tenant, target.idp, ctx, error);
      } catch (auditError) {
        // The refusal stands even when it cannot be recorded (the database may be what failed).
        this.logger.error(
          { err: auditError, correlationId: ctx.correlationId },
          'Could not audit a refused sign-in',
        );
      }
    }
    if (error.retryAfterSeconds !== undefined) res.set('Retry-After', String(error.retryAfterSeconds));
    sendRefusalPage(res, error.status, error.reason, ctx.correlationId, target?.tenant.name);
  }
}
