import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who is calling, set by the auth guard. */
export type Principal =
  | { kind: 'operator' }
  | { kind: 'api-key'; tenantId: string; keyId: string; name: string }
  | { kind: 'session'; tenantId: string; userId: string; email: string; sessionId: string };

/** Who an audited write is attributed to. */
export type ActorType = 'operator' | 'api-key' | 'user' | 'idp' | 'scim' | 'system' | 'config';

/** The route's tenant as the ground floor knows it; the auth guards put the tenant entity here. */
export interface RouteTenant {
  id: string;
  slug: string;
}

interface Actor {
  type: ActorType;
  id: string | null;
  label: string | null;
}

/** What every audited write needs to know about the request it came from. */
export interface RequestContext {
  correlationId: string;
  ip: string | null;
  userAgent: string | null;
  actor: Actor;
}

export interface GroupsyncRequest extends Request {
  correlationId?: string;
  principal?: Principal;
  tenant?: RouteTenant;
}

function actorOf(principal: Principal | undefined): Actor {
  switch (principal?.kind) {
    case 'operator':
      return { type: 'operator', id: null, label: 'operator token' };
    case 'api-key':
      return { type: 'api-key', id: principal.keyId, label: principal.name };
    case 'session':
      return { type: 'user', id: principal.userId, label: principal.email };
    default:
      return { type: 'system', id: null, label: null };
  }
}

export function contextOf(req: GroupsyncRequest): RequestContext {
  const agent = req.headers['user-agent'];
  return {
    correlationId: req.correlationId ?? 'none',
    ip: req.ip ?? null,
    userAgent: agent ? agent.slice(0, 512) : null,
    actor: actorOf(req.principal),
  };
}

/** `@Ctx() ctx: RequestContext` in a controller method. */
export const Ctx = createParamDecorator((_: unknown, host: ExecutionContext): RequestContext =>
  contextOf(host.switchToHttp().getRequest<GroupsyncRequest>()),
);

/** `@CurrentTenant() tenant: Tenant`: the tenant of the route, already checked against the credential. */
export const CurrentTenant = createParamDecorator((_: unknown, host: ExecutionContext): RouteTenant => {
  const tenant = host.switchToHttp().getRequest<GroupsyncRequest>().tenant;
  if (!tenant) throw new Error('CurrentTenant used on a route without :tenant');
  return tenant;
});

export const CurrentPrincipal = createParamDecorator(
  (_: unknown, host: ExecutionContext): Principal | undefined =>
    host.switchToHttp().getRequest<GroupsyncRequest>().principal,
);
