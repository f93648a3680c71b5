import type { SignInIdentity } from '../sync/sign-in-account';
import type { UsedAssertion } from './saml-assertion-use';

/**
 * Who the IdP says signed in, read from a validated SAML assertion or OIDC ID token: the person
 * (`SignInIdentity`, declared once with the sync pipeline that reads it) and what the flow adds.
 */
export interface SignedInIdentity extends SignInIdentity {
  /** The claims the group sync reads (groups, overage markers). */
  attributes: Record<string, unknown>;
  /** Where the browser goes afterwards, as the login step stored it (checked again before use). */
  returnTo: string | null;
  /** SAML: the validated assertion, accepted once; remembered in the sign-in's transaction. */
  assertion?: UsedAssertion;
}
