import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors';
import type { GroupsyncRequest, Principal } from '../common/request-context';
import { Tenant } from '../tenants/tenant.entity';
import { API_KEY_PREFIX, ApiKeysService } from './api-keys.service';
import { IS_PUBLIC, OPERATOR_ONLY } from './auth.decorators';
import { OperatorTokenService } from './operator-token.service';

const unauthorized = (message: string) => new AppError(HttpStatus.UNAUTHORIZED, 'unauthorized', message);
const forbidden = (message: string) => new AppError(HttpStatus.FORBIDDEN, 'forbidden', message);

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
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = context.switchToHttp().getRequest<GroupsyncRequest>();
    const principal = await this.identify(req);
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
    if (!header) throw unauthorized('Send a credential: Authorization: Bearer <token>');
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

  private async authorizeTenant(principal: Principal, slug: string): Promise<Tenant> {
    if (principal.kind === 'operator') {
      const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
      if (!tenant)
        throw new AppError(HttpStatus.NOT_FOUND, 'tenant_not_found', `Tenant "${slug}" was not found`);
      return tenant;
    }
    // A tenant credential learns nothing about other tenants, not even whether they exist.
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ id: principal.tenantId });
    if (!tenant || tenant.slug !== slug)
      throw forbidden(`This credential does not give access to tenant "${slug}"`);
    return tenant;
  }
}
