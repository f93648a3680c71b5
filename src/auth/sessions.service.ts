import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CookieOptions, Request, Response } from 'express';
import { DataSource, LessThan } from 'typeorm';
import { constantTimeEqual, newToken, sha256Hex } from '../common/crypto';
import { AllConfigType } from '../config/configuration';
import { User } from '../users/user.entity';
import { Session } from './session.entity';

const SESSION_HOURS = 8;
const TOUCH_RESOLUTION_MS = 60_000;
const PURGE_INTERVAL_MS = 10 * 60_000;

/** One cookie per tenant, so a person can be signed in to two workspaces without one ending the other. */
const sessionCookieName = (tenantSlug: string) => `gs_session_${tenantSlug}`;

/** A session row written in a sign-in's transaction, and the token its cookie carries. */
export interface NewSession {
  session: Session;
  token: string;
}

export interface ActiveSession {
  session: Session;
  user: User;
}

/**
 * Browser sessions after an SSO sign-in, for any protocol: stored in the database (hash of the
 * cookie's token) so any instance can serve them; HttpOnly, SameSite=Lax, Secure on https.
 */
@Injectable()
export class SessionsService {
  private readonly secureCookies: boolean;
  private nextPurgeAt = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<AllConfigType, true>,
  ) {
    this.secureCookies = config.get('app.publicUrl', { infer: true }).startsWith('https://');
  }

  cookieOptions(maxAgeMs?: number): CookieOptions {
    return {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secureCookies,
      path: '/',
      ...(maxAgeMs ? { maxAge: maxAgeMs } : {}),
    };
  }

  /**
   * A new session row and its cookie's token, not yet written: the sign-in writes it in its sync
   * transaction, with the audit events (so the session commits with the memberships it was granted
   * on: one commit, one statement on PostgreSQL). `sendCookie` once that transaction has committed.
   */
  newSession(tenant: { id: string }, userId: string, idpId: string | null): NewSession {
    const token = newToken('gss');
    const now = new Date();
    const session = this.dataSource.getRepository(Session).create({
      tenantId: tenant.id,
      userId,
      idpId,
      tokenHash: sha256Hex(token),
      csrfToken: newToken('csrf').slice(5),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000),
    });
    return { session, token };
  }

  /** Sets the cookie of a committed session, and now and then purges expired ones. */
  async sendCookie(res: Response, tenant: { slug: string }, created: NewSession): Promise<void> {
    res.cookie(sessionCookieName(tenant.slug), created.token, this.cookieOptions(SESSION_HOURS * 3600_000));
    // Expired sessions of anyone go now and then (at most every ten minutes per process, besides
    // the retention job), so the table does not grow without bound and a sign-in's statements
    // do not vary by chance.
    const now = Date.now();
    if (now >= this.nextPurgeAt) {
      this.nextPurgeAt = now + PURGE_INTERVAL_MS;
      await this.dataSource.getRepository(Session).delete({ expiresAt: LessThan(new Date(now)) });
    }
  }

  /** The live session of this tenant's cookie, with its (active) user; null when absent, expired or blocked. */
  async find(req: Request, tenant: { id: string; slug: string }): Promise<ActiveSession | null> {
    const token = (req.cookies as Record<string, string> | undefined)?.[sessionCookieName(tenant.slug)];
    if (!token) return null;
    const hash = sha256Hex(token);
    const session = await this.dataSource
      .getRepository(Session)
      .findOneBy({ tokenHash: hash, tenantId: tenant.id });
    if (!session || !constantTimeEqual(session.tokenHash, hash) || session.expiresAt.getTime() <= Date.now())
      return null;
    const user = await this.dataSource
      .getRepository(User)
      .findOneBy({ id: session.userId, tenantId: tenant.id });
    if (!user || user.status !== 'active') return null;
    if (Date.now() - session.lastSeenAt.getTime() > TOUCH_RESOLUTION_MS) {
      await this.dataSource.getRepository(Session).update({ id: session.id }, { lastSeenAt: new Date() });
    }
    return { session, user };
  }

  async end(req: Request, res: Response, tenant: { id: string; slug: string }): Promise<boolean> {
    const active = await this.find(req, tenant);
    if (active) await this.dataSource.getRepository(Session).delete({ id: active.session.id });
    res.clearCookie(sessionCookieName(tenant.slug), this.cookieOptions());
    return active !== null;
  }

  /** Deprovisioning and blocking end every session of the user. */
  async endAllForUser(userId: string): Promise<void> {
    await this.dataSource.getRepository(Session).delete({ userId });
  }
}
