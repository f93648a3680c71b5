import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import { FailedCredentialsLimiter } from '../common/rate-limit/failed-credentials';
import type { GroupsyncRequest, Principal } from '../common/request-context';
import { Tenant } from '../tenants/tenant.entity';
import { API_KEY_PREFIX, ApiKeysService } from './api-keys.service';
import { IS_PUBLIC, OPERATOR_ONLY } from './auth.decorators';
import { OperatorSessionsService } from './operator-sessions.service';
import { OperatorTokenService } from './operator-token.service';
import { SessionsService } from './sessions.service';
import { constantTimeEqual } from '../common/crypto';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const unauthorized = (message: string) => new AppError('unauthorized', message);
const forbidden = (message: string) => new AppError('forbidden', message);

/**
 * The one guard of the app. It identifies the caller, and when the route has `:tenant` it loads that
 * tenant and checks the credential may reach it, so controllers get an already-authorized tenant.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly operatorToken: OperatorTokenService,
    private readonly apiKeys: ApiKeysService,
    private readonly sessions: SessionsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly operatorSessions: OperatorSessionsService,
    private readonly failures: FailedCredentialsLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = context.switchToHttp().getRequest<GroupsyncRequest>();
    let principal: Principal;
    try {
      principal = await this.identify(req);
    } catch (error) {
      throw await this.failures.failed(req, error);
    }
    req.principal = principal;

    if (this.reflector.getAllAndOverride<boolean>(OPERATOR_ONLY, targets) && principal.kind !== 'operator') {
      throw forbidden('Only the platform operator token may do this');
    }
    const slug = req.params?.tenant as string | undefined;
    if (slug !== undefined) req.tenant = await this.authorizeTenant(principal, slug);
    return true;
  }

  private async identify(req: GroupsyncRequest): Promise<Principal> {
    const header = req.headers.authorization;
    if (!header) {
      // The admin UI's operator cookie (with its CSRF token on unsafe methods); else a tenant session.
      const operator = await this.operatorSessions.check(req, !SAFE_METHODS.has(req.method));
      if (operator === 'ok') return { kind: 'operator' };
      const fromSession = await this.sessionPrincipal(req);
      if (fromSession) return fromSession;
      if (operator === 'csrf')
        throw new AppError('csrf_failed', 'Send the X-CSRF-Token of your operator session');
      throw unauthorized('Send a credential: Authorization: Bearer <token>');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <token>"');
    const token = match[1];
    if (this.operatorToken.matches(token)) return { kind: 'operator' };
    if (token.startsWith(`${API_KEY_PREFIX}_`)) {
      const key = await this.apiKeys.verify(token);
      if (key) return { kind: 'api-key', tenantId: key.tenantId, keyId: key.id, name: key.name };
    }
    throw unauthorized('The bearer token is not valid (unknown, revoked or mistyped)');
  }

  /**
   * A tenant admin signed in through SSO: the session cookie of the route's tenant. Other users'
   * sessions get 403; unsafe methods must echo the session's CSRF token in X-CSRF-Token.
   */
  private async sessionPrincipal(req: GroupsyncRequest): Promise<Principal | null> {
    const slug = req.params?.tenant as string | undefined;
    if (!slug) return null;
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
    if (!tenant) return null;
    const active = await this.sessions.find(req, tenant);
    if (!active) return null;
    if (!active.user.isAdmin) throw forbidden('Your account is not an administrator of this workspace');
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !constantTimeEqual(sent, active.session.csrfToken)) {
        throw new AppError(
          'csrf_failed',
          'Send the X-CSRF-Token header from /sso/:tenant/me with changes made through a session',
        );
      }
    }
    return {
      kind: 'session',
      tenantId: tenant.id,
      userId: active.user.id,
      email: active.user.email,
      sessionId: active.session.id,
    };
  }

  private async authorizeTenant(principal: Principal, slug: string): Promise<Tenant> {
    if (principal.kind === 'operator') {
      const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
      if (!tenant) throw new AppError('tenant_not_found', `Tenant "${slug}" was not found`);
      return tenant;
    }
    // A tenant credential learns nothing about other tenants, not even whether they exist.
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ id: principal.tenantId });
    if (!tenant || tenant.slug !== slug)
      throw forbidden(`This credential does not give access to tenant "${slug}"`);
    return tenant;
  }
}
