import type { EntityManager } from 'typeorm';
import type { AuditEntry } from '../audit/audit.service';
import { insertRows } from '../database/insert';
import type { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { Identity } from '../users/identity.entity';
import { User } from '../users/user.entity';
import type { EmailVerification, ExternalGroups } from './engine';

/**
 * Who signed in, as every sign-in flow (SAML, OIDC) hands it to the sync pipeline; the flows'
 * `SignedInIdentity` (src/sso/signed-in-identity.ts) extends it with the claims and the return URL.
 */
export interface SignInIdentity {
  /** SAML NameID, OIDC `sub`, ... */
  externalId: string;
  email: string;
  displayName: string | null;
  /** OIDC `email_verified` about this email (true / false); null or absent: the IdP did not say. */
  emailVerified?: boolean | null;
  /** Entra ID's object id (`oid`) when the sign-in carried one: what a Graph refresh asks for. */
  objectId?: string | null;
}

/**
 * Entra object ids are GUIDs. Anything else in an `oid` claim (a UPN an IdP put there) is not kept:
 * a Graph refresh asking by a renamable id would block a renamed person (docs/sync.md, "Leavers").
 */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account a sign-in lands in: by this IdP's identity, else by email (a pre-provisioned user). */
export async function findAccount(
  em: EntityManager,
  tenantId: string,
  idpId: string,
  externalId: string,
  email: string,
): Promise<{ identity: Identity | null; userId: string | null }> {
  const identity = await em.findOneBy(Identity, { tenantId, idpId, externalId });
  if (identity) return { identity, userId: identity.userId };
  const byEmail = await em.findOne(User, { where: { tenantId, email }, select: { id: true } });
  return { identity: null, userId: byEmail?.id ?? null };
}

export interface SignInRecord {
  tenantId: string;
  idp: IdentityProvider;
  who: SignInIdentity;
  /** The email the IdP sent, normalized. */
  email: string;
  identity: Identity | null;
  /** The locked account, or null: created here. */
  user: User | null;
  claim: ExternalGroups;
  verification: EmailVerification;
}

/**
 * The account side of a successful sign-in: creates the user just in time, links or refreshes the
 * identity, and updates the profile. Returns the user and the audit events of what it did.
 */
export async function recordSignIn(
  em: EntityManager,
  r: SignInRecord,
): Promise<{ user: User; entries: AuditEntry[] }> {
  const { tenantId, idp, who, email, identity, claim } = r;
  const now = new Date();
  const entries: AuditEntry[] = [];
  let user = r.user;
  // A sign-in never changes the account's email (SCIM and the admin API do): an IdP sending
  // another address for a subject it holds is recorded, and its domain rules applied to both.
  if (identity && user && user.email !== email)
    entries.push({
      action: 'identity.email_differs',
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      details: { idp: idp.slug, externalId: who.externalId, sentEmail: email, accountEmail: user.email },
    });
  if (!user) {
    user = em.create(User, { tenantId, email, displayName: who.displayName, lastSignInAt: now });
    await insertRows(em, User, user);
    entries.push({
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      after: { email, displayName: who.displayName },
      details: { trigger: 'sign-in', idp: idp.slug },
    });
  }
  const objectId = who.objectId && OBJECT_ID.test(who.objectId) ? { objectId: who.objectId } : {};
  const seen = { lastSignInAt: now, claimStatus: claim.status, claimsSeenAt: now, ...objectId };
  if (identity) await em.update(Identity, { id: identity.id }, seen);
  else {
    const link = em.create(Identity, {
      tenantId,
      userId: user.id,
      idpId: idp.id,
      externalId: who.externalId,
      ...seen,
    });
    await insertRows(em, Identity, link);
    entries.push({
      action: 'identity.linked',
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      // Linking an existing user is the decision docs/sync.md describes: say how it was made.
      details: {
        idp: idp.slug,
        externalId: who.externalId,
        ...(r.user ? { linkedBy: 'email', email, emailVerification: r.verification } : {}),
      },
    });
  }
  const profile: Partial<User> = { lastSignInAt: now, lastSeenAt: now };
  if (who.displayName && who.displayName !== user.displayName) profile.displayName = who.displayName;
  await em.update(User, { id: user.id }, profile);
  Object.assign(user, profile);
  return { user, entries };
}
