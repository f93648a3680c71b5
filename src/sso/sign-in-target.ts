import { SetMetadata } from '@nestjs/common';
import type { GroupsyncRequest } from '../common/request-context';
import type { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import type { SignedInIdentity } from './signed-in-identity';

/** The tenant and IdP a sign-in route is for, resolved once by SsoTargetGuard. */
export interface SignInTarget {
  tenant: Tenant;
  idp: IdentityProvider;
}

/**
 * What a strategy hands the controller (as `req.user`): the login step redirects to the IdP, the
 * IdP's answer (ACS, callback) yields who signed in. Passport would end a redirect itself and leave
 * the guard waiting; as a value, every step finishes through the controller.
 */
export type SignInStep = { redirectTo: string } | { identity: SignedInIdentity };

export interface SignInRequest extends GroupsyncRequest {
  signIn?: SignInTarget;
  user?: SignInStep;
  /** OIDC: the returnTo stored with the login this callback answers. */
  loginReturnTo?: string | null;
  /**
   * Set where the login state is read (or, at the login step, from the admin's one-time token):
   * this sign-in is an admin's test, so it ends in TestSignInsService and writes nothing.
   */
  testSignInId?: string | null;
}

/** The step a route is: which protocol it serves, and whether it counts against the sign-in limits. */
export interface SignInRoute {
  protocol: 'saml' | 'oidc' | 'any';
  step: 'login' | 'acs' | 'callback' | 'metadata';
}
export const SIGN_IN_ROUTE = 'groupsync:sign-in-route';
export const SignInRouteOf = (route: SignInRoute) => SetMetadata(SIGN_IN_ROUTE, route);

/** The resolved target; SsoTargetGuard runs before anything that asks. */
export function signInTargetOf(req: SignInRequest): SignInTarget {
  if (!req.signIn) throw new Error('sign-in route without SsoTargetGuard');
  return req.signIn;
}
