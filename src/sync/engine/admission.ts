// Who may sign in or be provisioned through an IdP: the allowed-domains, reserved-domain, account
// linking and blocked-user rules (docs/sync.md section 15). Pure: the services read the facts.

/**
 * Which existing users of the workspace (found by a verified email) an IdP may attach to:
 * `none`: none; `unowned`: only users no IdP holds (created through the API), the default of a
 * tenant's first IdP; `email`: also users other IdPs hold, an admin's explicit decision only.
 */
export type AccountLinking = 'none' | 'unowned' | 'email';

export interface LinkingSettings {
  accountLinking: AccountLinking;
  /** Email domains the admin vouches this IdP owns: its emails there count as verified. */
  verifiedDomains: string[];
  /** When set, the only email domains this IdP may sign in or create (every sign-in, not only JIT). */
  allowedDomains: string[];
}

/**
 * The linking settings as they apply, from the IdP's stored settings: domains lower-cased, and an
 * IdP stored without `accountLinking` (none should be left after the data migration) links
 * nothing, the safe reading.
 */
export function linkingSettingsOf(config: {
  accountLinking?: AccountLinking;
  verifiedDomains?: string[];
  allowedDomains?: string[];
}): LinkingSettings {
  const lower = (domains: string[] | undefined) => (domains ?? []).map((d) => d.toLowerCase());
  return {
    accountLinking: config.accountLinking ?? 'none',
    verifiedDomains: lower(config.verifiedDomains),
    allowedDomains: lower(config.allowedDomains),
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

/** `allowedDomains`: empty allows every domain. */
export const isAllowedDomain = (email: string, settings: Pick<LinkingSettings, 'allowedDomains'>): boolean =>
  settings.allowedDomains.length === 0 || settings.allowedDomains.includes(emailDomain(email));

/** Words for a refused email in another IdP's verified domain (sign-in page and SCIM detail). */
export const reservedDomainReason = (domain: string) =>
  `the email domain ${domain} belongs to another sign-in method of this workspace`;

/** Another IdP of the tenant (never the one signing in), as the reserved-domain rule sees it. */
export interface OtherIdp {
  id: string;
  slug: string;
  /** Its `verifiedDomains`, lower-cased (`linkingSettingsOf`). */
  verifiedDomains: string[];
}

/**
 * May this IdP create a user with this email, or move a user to it (SCIM)? Not when another IdP of
 * the tenant lists the email's domain in its `verifiedDomains` and this IdP does not verify the email
 * itself (its own `verifiedDomains`, or OIDC `email_verified: true`): otherwise a partner's IdP could
 * plant `ceo@acme.test` before the company IdP's first sign-in (pre-hijacking). Returns the other
 * IdPs that vouch for the domain; empty when the IdP may.
 */
export function reservingIdps<T extends OtherIdp>(
  email: string,
  verification: EmailVerification,
  otherIdps: readonly T[],
): T[] {
  if (verification === 'verified') return [];
  const domain = emailDomain(email);
  return otherIdps.filter((o) => o.verifiedDomains.includes(domain));
}

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

/** What the sign-in admission rules look at, read by the sign-in before anything is written. */
export interface SignInFacts extends KnownFacts {
  /** The tenant's other IdPs; needed (`admissionNeeds`) for a new user only. */
  otherIdps?: readonly OtherIdp[];
  /** Which IdPs hold the account; needed (`admissionNeeds`) when linking only. */
  owners?: AccountOwners;
}

/** The facts every sign-in has at hand, before the ones that cost a query. */
export interface KnownFacts {
  idpName: string;
  settings: LinkingSettings;
  /** The email the IdP sent, normalized. */
  email: string;
  /** The account the sign-in would land in: by this IdP's identity, else by email; null: a new user. */
  account: { email: string; status: 'active' | 'blocked' } | null;
  /** True when the account was found by email (this IdP holds no identity for it yet). */
  linking: boolean;
  verification: EmailVerification;
}

/**
 * A refused sign-in: `account`, recorded against the account it would land in; `signup`, nobody's
 * account yet (a new user, or a person this IdP does not know); `blocked`, against the blocked user.
 */
export interface AdmissionRefusal {
  against: 'account' | 'signup' | 'blocked';
  /** Words for the person's refusal page. */
  reason: string;
  /** For the admin, in the audit event. */
  details: Record<string, unknown>;
}

/** Which of the facts that cost a query the rules will read; the others are never asked for. */
export function admissionNeeds(f: KnownFacts): {
  otherIdps: boolean;
  owners: boolean;
} {
  const passesDomain = domainRefusal(f) === null;
  return { otherIdps: passesDomain && !f.account, owners: passesDomain && !!f.account && f.linking };
}

/**
 * Why this sign-in may not go on, in this order: an email domain the IdP may not sign in
 * (`allowedDomains`, every sign-in, the email sent and the account's), a new user in a domain
 * another IdP verifies, an existing user this IdP may not link, a blocked user. Null: admitted.
 */
export function signInRefusal(f: SignInFacts): AdmissionRefusal | null {
  const byDomain = domainRefusal(f);
  if (byDomain) return byDomain;
  if (!f.account) return reservedDomainRefusal(f, required(f.otherIdps, 'otherIdps'));
  if (f.linking) {
    const refused = linkRefusal(f, required(f.owners, 'owners'));
    if (refused) return refused;
  }
  return f.account.status === 'blocked'
    ? { against: 'blocked', reason: 'your account is blocked in this workspace', details: {} }
    : null;
}

function required<T>(fact: T | undefined, name: string): T {
  if (fact === undefined) throw new Error(`signInRefusal needs ${name} (see admissionNeeds)`);
  return fact;
}

/** `allowedDomains`: the email sent, and the account it lands in. */
function domainRefusal(f: KnownFacts): AdmissionRefusal | null {
  const { settings, email, account, linking } = f;
  const through = `through ${f.idpName}`;
  const allowedDomains = settings.allowedDomains;
  const emailAllowed = isAllowedDomain(email, settings);
  // Both the email sent and the account it lands in: a subject this IdP holds cannot carry it into
  // an account outside allowedDomains by sending an allowed address.
  if (account && !linking && emailAllowed && !isAllowedDomain(account.email, settings))
    return {
      against: 'account',
      reason: `your account in this workspace cannot sign in ${through}; ask your administrator`,
      details: { code: 'domain_not_allowed', accountEmail: account.email, allowedDomains },
    };
  if (emailAllowed) return null;
  // The same words whether or not someone has this email, for anyone this IdP does not know yet.
  const domain = emailDomain(email);
  const signInWords = `accounts from ${domain} cannot sign in to this workspace ${through}; ask your administrator`;
  if (!linking && account)
    return {
      against: 'account',
      reason: signInWords,
      details: { code: 'domain_not_allowed', allowedDomains },
    };
  const reason = linking
    ? `accounts from ${domain} cannot sign up to this workspace; ask your administrator to create your account`
    : signInWords;
  return { against: 'signup', reason, details: { allowedDomains } };
}

/** A new user in a domain another IdP of the workspace verifies. */
function reservedDomainRefusal(f: SignInFacts, otherIdps: readonly OtherIdp[]): AdmissionRefusal | null {
  const reserving = reservingIdps(f.email, f.verification, otherIdps);
  if (!reserving.length) return null;
  return {
    against: 'signup',
    reason: `${reservedDomainReason(emailDomain(f.email))}; ask your administrator`,
    details: {
      code: 'email_domain_reserved',
      emailVerification: f.verification,
      verifiedBy: reserving.map((o) => o.slug),
    },
  };
}

/** An existing user this IdP may not link (docs/sync.md section 15). */
function linkRefusal(f: SignInFacts, owners: AccountOwners): AdmissionRefusal | null {
  const decision = decideLink(f.idpName, f.settings, f.verification, owners);
  if (decision.allowed) return null;
  return {
    against: 'account',
    reason: decision.reason,
    details: {
      code: decision.code,
      detail: decision.detail,
      accountLinking: f.settings.accountLinking,
      emailVerification: f.verification,
      otherIdpIds: owners.otherIdpIds,
    },
  };
}
