import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { CookieOptions, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../common/crypto';
import { AllConfigType } from '../config/configuration';
import { SystemSettingsService } from '../database/system-settings.service';
import { OperatorTokenService } from './operator-token.service';
import { SecretKeyService } from './secret-key.service';

const OPERATOR_COOKIE = 'gs_operator';
/** Bumped by every operator sign-out; the cookies' signatures cover it, so sign-out ends them all. */
const EPOCH_SETTING = 'operatorSessionEpoch';
const SESSION_MS = 8 * 3600_000;

export interface OperatorSession {
  csrfToken: string;
  expiresAt: string;
}

/**
 * The operator's browser session: the admin UI exchanges the operator token once for this cookie,
 * so the token itself never sits in the browser's storage. The cookie is signed (HMAC with a key
 * from SECRET_KEY) rather than stored, and the signature covers the operator token's hash, so
 * changing ADMIN_TOKEN ends every operator session at once. The signature also covers a sign-out
 * epoch kept in the database: signing out ends every operator session on the server, so a copied
 * cookie is worthless afterwards (the operator token is one credential, so "every" is the honest
 * scope). HttpOnly, SameSite=Strict, Secure on https; unsafe methods must echo the CSRF token
 * derived from the cookie.
 */
@Injectable()
export class OperatorSessionsService {
  private readonly secureCookies: boolean;

  constructor(
    private readonly operatorToken: OperatorTokenService,
    private readonly secretKey: SecretKeyService,
    private readonly settings: SystemSettingsService,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.secureCookies = config.get('app.publicUrl', { infer: true }).startsWith('https://');
  }

  private cookieOptions(maxAgeMs?: number): CookieOptions {
    return {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.secureCookies,
      path: '/',
      ...(maxAgeMs ? { maxAge: maxAgeMs } : {}),
    };
  }

  private async sign(body: string): Promise<string> {
    const epoch = (await this.settings.get(EPOCH_SETTING)) ?? '0';
    return this.secretKey.mac('operator-session', `${this.operatorToken.fingerprint()}|${epoch}|${body}`);
  }

  private csrfFor(cookie: string): string {
    return this.secretKey.mac('operator-csrf', cookie);
  }

  /** Null when the token is wrong; otherwise sets the cookie. */
  async start(token: string, res: Response): Promise<OperatorSession | null> {
    if (!this.operatorToken.matches(token)) return null;
    const expires = Date.now() + SESSION_MS;
    const body = `${expires}.${randomBytes(16).toString('base64url')}`;
    const cookie = `${body}.${await this.sign(body)}`;
    res.cookie(OPERATOR_COOKIE, cookie, this.cookieOptions(SESSION_MS));
    return { csrfToken: this.csrfFor(cookie), expiresAt: new Date(expires).toISOString() };
  }

  /** The valid, unexpired session of this request's cookie, or null. */
  async find(req: Request): Promise<(OperatorSession & { cookie: string }) | null> {
    const cookie = (req.cookies as Record<string, string> | undefined)?.[OPERATOR_COOKIE];
    if (typeof cookie !== 'string') return null;
    const parts = cookie.split('.');
    if (parts.length !== 3) return null;
    const [expires, nonce, mac] = parts;
    const expiresAt = Number(expires);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= Date.now()) return null;
    if (!constantTimeEqual(mac, await this.sign(`${expires}.${nonce}`))) return null;
    return { cookie, csrfToken: this.csrfFor(cookie), expiresAt: new Date(expiresAt).toISOString() };
  }

  /** 'ok' for a valid operator session (with its CSRF token on unsafe methods), 'csrf' when only that token is wrong. */
  async check(req: Request, unsafe: boolean): Promise<'ok' | 'csrf' | null> {
    const session = await this.find(req);
    if (!session) return null;
    if (!unsafe) return 'ok';
    const sent = req.headers['x-csrf-token'];
    return typeof sent === 'string' && constantTimeEqual(sent, session.csrfToken) ? 'ok' : 'csrf';
  }

  /**
   * Signs out: clears this browser's cookie and, when the request carries a valid operator session
   * with its CSRF token, ends every operator session (an anonymous call must not sign the operator out).
   */
  async end(req: Request, res: Response): Promise<void> {
    if ((await this.check(req, true)) === 'ok')
      await this.settings.set(EPOCH_SETTING, randomBytes(12).toString('base64url'));
    res.clearCookie(OPERATOR_COOKIE, this.cookieOptions());
  }
}
