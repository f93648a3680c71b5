import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { FailedCredentialsLimiter } from '../common/rate-limit/failed-credentials';
import type { GroupsyncRequest } from '../common/request-context';
import { ScimCaller, ScimTokensService } from './scim-tokens.service';

interface ScimRequest extends GroupsyncRequest {
  scim?: ScimCaller;
}

/** SCIM routes take a SCIM token of the route's tenant (the admin credentials do not apply here). */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: ScimTokensService,
    private readonly failures: FailedCredentialsLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ScimRequest>();
    try {
      req.scim = await this.tokens.authenticate(req.headers.authorization, String(req.params.tenant ?? ''));
    } catch (error) {
      throw await this.failures.failed(req, error);
    }
    req.tenant = req.scim.tenant;
    return true;
  }
}

/** `@Scim() caller: ScimCaller` in a SCIM controller method. */
export const Scim = createParamDecorator(
  (_: unknown, host: ExecutionContext): ScimCaller => host.switchToHttp().getRequest<ScimRequest>().scim!,
);
