import type { EntityManager } from 'typeorm';
import type { AuditEntry } from '../audit/audit.service';
import {
  accountOwners,
  decideLink,
  emailDomain,
  EmailVerification,
  isAllowedDomain,
  linkingSettings,
  otherIdpsOf,
  reservedDomainReason,
  reservingIdps,
} from '../identity-providers/account-linking';
import type { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import type { User } from '../users/user.entity';

export interface AdmissionInput {
  tenant: Tenant;
  idp: IdentityProvider;
  who: { externalId: string };
  /** The email the IdP sent, normalized. */
  email: string;
  /** The account the sign-in would land in: by this IdP's identity, else by email; null: a new user. */
  user: User | null;
  /** True when the account was found by email (this IdP holds no identity for it yet). */
  linking: boolean;
  verification: EmailVerification;
}

export interface Refusal {
  /** Words for the person's refusal page. */
  reason: string;
  /** The user the refusal concerns, when the sign-in is refused for a known account (blocked). */
  user: User | null;
  audit: AuditEntry;
}

/**
 * Why this sign-in may not go on, before anything is written: an email domain the IdP may not sign
 * in (`allowedDomains`, every sign-in, the email sent and the account's), a new user in a domain
 * another IdP verifies, an existing user this IdP may not link (docs/sync.md section 15), or a
 * blocked user. Null when it may.
 */
export async function signInRefusal(em: EntityManager, input: AdmissionInput): Promise<Refusal | null> {
  const refused = refusalsFor(input);
  const byDomain = domainRefusal(input, refused);
  if (byDomain) return byDomain;
  if (!input.user) return newUserRefusal(em, input, refused);
  return (
    (input.linking ? await linkRefusal(em, input, input.user, refused) : null) ??
    blockedRefusal(input, input.user)
  );
}

type RefusalBuilders = ReturnType<typeof refusalsFor>;

/** The two refusals' audit shapes: of a known account, and of a signup (nobody's account yet). */
function refusalsFor(input: AdmissionInput) {
  const { idp, who, email } = input;
  const base = { idp: idp.slug, email, externalId: who.externalId };
  return {
    of: (account: User, reason: string, details: Record<string, unknown>): Refusal => ({
      reason,
      user: null,
      audit: {
        action: 'sso.sign_in_refused',
        targetType: 'user',
        targetId: account.id,
        userId: account.id,
        details: { ...base, reason, ...details },
      },
    }),
    signup: (reason: string, details: Record<string, unknown>): Refusal => ({
      reason,
      user: null,
      audit: {
        action: 'sync.signup_denied',
        targetType: 'identity_provider',
        targetId: idp.id,
        details: { ...base, reason, ...details },
      },
    }),
  };
}

/** `allowedDomains`: the email sent, and the account it lands in. */
function domainRefusal(input: AdmissionInput, refused: RefusalBuilders): Refusal | null {
  const { idp, email, user, linking } = input;
  const settings = linkingSettings(idp);
  const domain = emailDomain(email);
  // Both the email sent and the account it lands in: a subject this IdP holds cannot carry it into
  // an account outside allowedDomains by sending an allowed address.
  if (user && !linking && isAllowedDomain(email, settings) && !isAllowedDomain(user.email, settings))
    return refused.of(
      user,
      `your account in this workspace cannot sign in through ${idp.name}; ask your administrator`,
      {
        code: 'domain_not_allowed',
        accountEmail: user.email,
        allowedDomains: settings.allowedDomains,
      },
    );
  if (isAllowedDomain(email, settings)) return null;
  // The same words whether or not someone has this email, for anyone this IdP does not know yet.
  const allowedDomains = settings.allowedDomains;
  if (!linking && user)
    return refused.of(
      user,
      `accounts from ${domain} cannot sign in to this workspace through ${idp.name}; ask your administrator`,
      { code: 'domain_not_allowed', allowedDomains },
    );
  const reason = linking
    ? `accounts from ${domain} cannot sign up to this workspace; ask your administrator to create your account`
    : `accounts from ${domain} cannot sign in to this workspace through ${idp.name}; ask your administrator`;
  return refused.signup(reason, { allowedDomains });
}

/** A new user in a domain another IdP of the workspace verifies. */
async function newUserRefusal(
  em: EntityManager,
  input: AdmissionInput,
  refused: RefusalBuilders,
): Promise<Refusal | null> {
  const { tenant, idp, email, verification } = input;
  const reserving = reservingIdps(email, verification, idp.id, await otherIdpsOf(em, tenant.id, idp.id));
  if (!reserving.length) return null;
  return refused.signup(`${reservedDomainReason(emailDomain(email))}; ask your administrator`, {
    code: 'email_domain_reserved',
    emailVerification: verification,
    verifiedBy: reserving.map((o) => o.slug),
  });
}

/** An existing user this IdP may not link (docs/sync.md section 15). */
async function linkRefusal(
  em: EntityManager,
  input: AdmissionInput,
  user: User,
  refused: RefusalBuilders,
): Promise<Refusal | null> {
  const { tenant, idp, verification } = input;
  const settings = linkingSettings(idp);
  const owners = await accountOwners(em, tenant.id, user.id, idp.id);
  const decision = decideLink(idp.name, settings, verification, owners);
  if (decision.allowed) return null;
  return refused.of(user, decision.reason, {
    code: decision.code,
    detail: decision.detail,
    accountLinking: settings.accountLinking,
    emailVerification: verification,
    otherIdpIds: owners.otherIdpIds,
    // which IdPs hold the account: for the admin, never on the person's page
    heldBy: owners.otherIdpIds.length
      ? (await otherIdpsOf(em, tenant.id, idp.id))
          .filter((o) => owners.otherIdpIds.includes(o.id))
          .map((o) => o.slug)
      : [],
  });
}

function blockedRefusal(input: AdmissionInput, user: User): Refusal | null {
  if (user.status !== 'blocked') return null;
  const reason = 'your account is blocked in this workspace';
  return {
    reason,
    user,
    audit: {
      action: 'sso.sign_in_refused',
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      details: { idp: input.idp.slug, reason, externalId: input.who.externalId },
    },
  };
}
