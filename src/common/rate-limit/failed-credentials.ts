import { HttpStatus, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import type { AllConfigType } from '../../config/configuration';
import { AppError } from '../errors';
import { clientAddressKey } from './client-address';
import { RateLimiter, RateLimitRule } from './rate-limiter';

/**
 * Failed bearer credentials per client address (admin API and SCIM share one budget). Only
 * failures count and only failures are refused: a valid credential always passes, so a busy
 * address that also sends a good token is never locked out by its own mistakes.
 */
@Injectable()
export class FailedCredentialsLimiter {
  private readonly rule: RateLimitRule;

  constructor(
    private readonly limiter: RateLimiter,
    config: ConfigService<AllConfigType, true>,
  ) {
    const { windowSeconds, authFailuresPerAddress } = config.get('app.rateLimit', { infer: true });
    this.rule = { name: 'auth-failures', limit: authFailuresPerAddress, windowSeconds };
  }

  /** Counts a failed credential; answers the error to throw: the 401 itself, or 429 once over the limit. */
  async failed(req: Request, error: unknown): Promise<unknown> {
    if (!req.headers.authorization) return error; // no credential sent: nothing guessed
    return this.failedSecret(req, error);
  }

  /** The same for a secret sent in the body (the operator token exchanged for a session cookie). */
  async failedSecret(req: Request, error: unknown): Promise<unknown> {
    if (!(error instanceof AppError) || error.statusCode !== HttpStatus.UNAUTHORIZED) return error;
    const verdict = await this.limiter.hit(this.rule, clientAddressKey(req.ip));
    if (verdict.allowed) return error;
    req.res?.setHeader('Retry-After', String(verdict.retryAfterSeconds));
    return new AppError(
      'too_many_failed_credentials',
      `Too many failed credentials from this address; try again in ${verdict.retryAfterSeconds} seconds`,
    );
  }
}
