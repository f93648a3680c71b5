import type { EntityManager } from 'typeorm';
import type { AuditEntry } from '../audit/audit.service';
import { accountOwners, otherIdpsOf } from '../identity-providers/account-linking';
import type { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Tenant } from '../tenants/tenant.entity';
import type { User } from '../users/user.entity';
import type { SignInIdentity } from './sign-in-account';
import {
  admissionNeeds,
  type AdmissionRefusal,
  type EmailVerification,
  linkingSettingsOf,
  signInRefusal as refusalOf,
} from './engine';

export interface AdmissionInput {
  tenant: Tenant;
  idp: IdentityProvider;
  who: Pick<SignInIdentity, 'externalId'>;
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
 * Why this sign-in may not go on, before anything is written (the rules: `signInRefusal` in
 * src/sync/engine/admission.ts): reads only the facts those rules will look at, then records the
 * refusal's audit event. Null when the sign-in may go on.
 */
export async function signInRefusal(em: EntityManager, input: AdmissionInput): Promise<Refusal | null> {
  const { tenant, idp, email, user, linking, verification } = input;
  const known = {
    idpName: idp.name,
    settings: linkingSettingsOf(idp.config),
    email,
    account: user,
    linking,
    verification,
  };
  const needs = admissionNeeds(known);
  const otherIdps = needs.otherIdps ? await otherIdpsOf(em, tenant.id, idp.id) : undefined;
  const owners = needs.owners && user ? await accountOwners(em, tenant.id, user.id, idp.id) : undefined;
  const refusal = refusalOf({ ...known, otherIdps, owners });
  if (!refusal) return null;
  // A link refusal says which IdPs hold the account: for the admin, never on the person's page.
  const heldBy =
    refusal.against === 'account' && owners ? { heldBy: await slugsOf(em, input, owners.otherIdpIds) } : {};
  return auditedRefusal(input, refusal, heldBy);
}

async function slugsOf(em: EntityManager, input: AdmissionInput, idpIds: string[]): Promise<string[]> {
  if (!idpIds.length) return [];
  const others = await otherIdpsOf(em, input.tenant.id, input.idp.id);
  return others.filter((o) => idpIds.includes(o.id)).map((o) => o.slug);
}

/** The refusal's audit event: against the account, the IdP (a signup), or the blocked user. */
function auditedRefusal(
  input: AdmissionInput,
  refusal: AdmissionRefusal,
  extra: Record<string, unknown>,
): Refusal {
  const { idp, who, email, user } = input;
  const { reason } = refusal;
  if (refusal.against === 'blocked' && user)
    return {
      reason,
      user,
      audit: {
        action: 'sso.sign_in_refused',
        targetType: 'user',
        targetId: user.id,
        userId: user.id,
        details: { idp: idp.slug, reason, externalId: who.externalId },
      },
    };
  const details = { idp: idp.slug, email, externalId: who.externalId, reason, ...refusal.details, ...extra };
  if (refusal.against === 'account' && user)
    return {
      reason,
      user: null,
      audit: {
        action: 'sso.sign_in_refused',
        targetType: 'user',
        targetId: user.id,
        userId: user.id,
        details,
      },
    };
  return {
    reason,
    user: null,
    audit: { action: 'sync.signup_denied', targetType: 'identity_provider', targetId: idp.id, details },
  };
}
