import { EntityManager, Not } from 'typeorm';
import { ScimUser } from '../scim/scim-user.entity';
import { Identity } from '../users/identity.entity';
import { IdentityProvider } from './identity-provider.entity';

/**
 * Account linking between the IdPs of one tenant. Identities are (IdP, subject); what an IdP may claim
 * beyond its own identities is decided here, for sign-ins and SCIM alike. Pure except `accountOwners`.
 */

/**
 * Which existing users of the workspace (found by a verified email) this IdP may attach to:
 * `none`: none; `unowned`: only users no IdP holds (created through the API), the default of a
 * tenant's first IdP; `email`: also users other IdPs hold, an admin's explicit decision only.
 */
export type AccountLinking = 'none' | 'unowned' | 'email';
const ACCOUNT_LINKING_VALUES: readonly AccountLinking[] = ['none', 'unowned', 'email'];

export interface LinkingSettings {
  accountLinking: AccountLinking;
  /** Email domains the admin vouches this IdP owns: its emails there count as verified. */
  verifiedDomains: string[];
  /** When set, the only email domains this IdP may sign in or create (every sign-in, not only JIT). */
  allowedDomains: string[];
}

/**
 * The IdP's linking settings. An IdP stored without `accountLinking` (none should be left after the
 * data migration) links nothing: the safe reading.
 */
export function linkingSettings(idp: Pick<IdentityProvider, 'config'>): LinkingSettings {
  const c = idp.config as { accountLinking?: unknown; verifiedDomains?: unknown; allowedDomains?: unknown };
  const domains = (v: unknown) =>
    Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string').map((d) => d.toLowerCase()) : [];
  return {
    accountLinking: ACCOUNT_LINKING_VALUES.find((v) => v === c.accountLinking) ?? 'none',
    verifiedDomains: domains(c.verifiedDomains),
    allowedDomains: domains(c.allowedDomains),
  };
}

/**
 * The default a new IdP gets, stored with it: the tenant's first IdP links the users an admin created
 * through the API; no default ever reaches another IdP's users (an IdP that signed someone up first
 * must not pre-claim the account a later, trusted sign-in would land in).
 */
export const defaultAccountLinking = (otherIdpsOfTenant: number): AccountLinking =>
  otherIdpsOfTenant === 0 ? 'unowned' : 'none';

export const emailDomain = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/**
 * `verified`: OIDC `email_verified: true`, or no such claim and the domain is one of `verifiedDomains`.
 * `unverified`: the IdP said false; no domain list overrides that. `unknown`: neither (SAML and SCIM
 * outside the verified domains).
 */
export type EmailVerification = 'verified' | 'unverified' | 'unknown';

export function emailVerification(
  email: string,
  claimed: boolean | null | undefined,
  settings: Pick<LinkingSettings, 'verifiedDomains'>,
): EmailVerification {
  if (claimed === true) return 'verified';
  if (claimed === false) return 'unverified';
  return settings.verifiedDomains.includes(emailDomain(email)) ? 'verified' : 'unknown';
}

export const isAllowedDomain = (email: string, settings: Pick<LinkingSettings, 'allowedDomains'>): boolean =>
  settings.allowedDomains.length === 0 || settings.allowedDomains.includes(emailDomain(email));

/** Words for a refused email in another IdP's verified domain (sign-in page and SCIM detail). */
export const reservedDomainReason = (domain: string) =>
  `the email domain ${domain} belongs to another sign-in method of this workspace`;

/**
 * May this IdP create a user with this email, or move a user to it (SCIM)? Not when another IdP of
 * the tenant lists the email's domain in its `verifiedDomains` and this IdP does not verify the email
 * itself (its own `verifiedDomains`, or OIDC `email_verified: true`): otherwise a partner's IdP could
 * plant `ceo@acme.test` before the company IdP's first sign-in (pre-hijacking). Returns the other
 * IdPs that vouch for the domain; empty when the IdP may.
 */
export function reservingIdps<T extends Pick<IdentityProvider, 'id' | 'config'>>(
  email: string,
  verification: EmailVerification,
  idpId: string,
  tenantIdps: T[],
): T[] {
  if (verification === 'verified') return [];
  const domain = emailDomain(email);
  return tenantIdps.filter((o) => o.id !== idpId && linkingSettings(o).verifiedDomains.includes(domain));
}

/** The other IdPs of the tenant, with what `reservingIdps` and refusal details need. */
export const otherIdpsOf = (em: EntityManager, tenantId: string, idpId: string) =>
  em.find(IdentityProvider, {
    where: { tenantId, id: Not(idpId) },
    select: { id: true, slug: true, config: true },
  });

export interface AccountOwners {
  /** This IdP already holds the user: an identity (other subject) or its SCIM client provisioned them. */
  thisIdp: boolean;
  /** Other IdPs of the tenant holding an identity or SCIM record of the user. */
  otherIdpIds: string[];
}

export type LinkDecision =
  | { allowed: true; why: 'same-idp' | 'linking' }
  | { allowed: false; code: 'account_linking_off' | 'email_not_verified'; reason: string; detail: string };

/**
 * May an IdP attach a new identity (or SCIM record) to an existing user found by email?
 * - The IdP already holds that user: yes, unless it says the email is unverified (it can already
 *   change that account through what it holds, so linking gives it nothing new).
 * - A user no IdP holds (created through the API): `accountLinking` `unowned` or `email`, and the
 *   email is verified. Another IdP's user: only `email`, and the email is verified.
 */
export function decideLink(
  idpName: string,
  settings: LinkingSettings,
  verification: EmailVerification,
  owners: AccountOwners,
): LinkDecision {
  const exists = 'an account with this email already exists in this workspace';
  if (owners.thisIdp && verification !== 'unverified') return { allowed: true, why: 'same-idp' };
  const heldElsewhere = owners.otherIdpIds.length > 0;
  const reaches =
    settings.accountLinking === 'email' || (settings.accountLinking === 'unowned' && !heldElsewhere);
  // Advice to allow linking only for a user no IdP holds (created through the API). Another IdP's
  // user may have been planted there by an IdP that never verified the address (pre-hijacking):
  // "allow linking" would let both in, so the person reads neutral words and the admin the detail.
  if (!owners.thisIdp && !reaches)
    return {
      allowed: false,
      code: 'account_linking_off',
      reason: heldElsewhere
        ? `${exists} and ${idpName} is not allowed to sign in to it; ask your administrator`
        : `${exists} and ${idpName} is not allowed to sign in to it; ask your administrator to allow account linking for ${idpName}`,
      detail: `accountLinking is "${settings.accountLinking}"; ${owners.otherIdpIds.length} other identity provider(s) hold the user`,
    };
  if (verification !== 'verified')
    return {
      allowed: false,
      code: 'email_not_verified',
      reason: `${exists} and ${idpName} did not confirm that this email address is yours; ask your administrator to check how ${idpName} verifies emails`,
      detail:
        verification === 'unverified'
          ? 'the identity provider said email_verified: false'
          : 'no email_verified: true, and the email domain is not in verifiedDomains',
    };
  return { allowed: true, why: 'linking' };
}

/** Which IdPs hold a user: their identities and SCIM records. */
export async function accountOwners(
  em: EntityManager,
  tenantId: string,
  userId: string,
  idpId: string,
): Promise<AccountOwners> {
  const select = { idpId: true } as const;
  const identities = await em.find(Identity, { where: { tenantId, userId }, select });
  const scim = await em.find(ScimUser, { where: { tenantId, userId }, select });
  const ids = new Set([...identities, ...scim].map((r) => r.idpId));
  return { thisIdp: ids.delete(idpId), otherIdpIds: [...ids] };
}
