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

/**
 * The account a first sign-in through this IdP lands in: a user with this email (pre-provisioned,
 * or known through another IdP), subject to the linking rules. A returning sign-in finds its
 * account by identity (`SyncLoader.loadSignIn`).
 */
export async function findUserByEmail(
  em: EntityManager,
  tenantId: string,
  email: string,
): Promise<string | null> {
  const byEmail = await em.findOne(User, { where: { tenantId, email }, select: { id: true } });
  return byEmail?.id ?? null;
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
  if (identity) {
    if (identityChanged(identity, seen)) await em.update(Identity, { id: identity.id }, seen);
  } else {
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
  if (profile.displayName !== undefined || stale(user.lastSignInAt, now) || stale(user.lastSeenAt, now)) {
    await em.update(User, { id: user.id }, profile);
    Object.assign(user, profile);
  }
  return { user, entries };
}

/**
 * Sign-in times are kept to the hour (as stored groups' `seenAt`): a returning sign-in within the
 * hour writes neither the user nor the identity unless something else changed. The leaver rules
 * count days of absence, so an hour's resolution of `lastSeenAt` changes none of their decisions.
 */
const SIGN_IN_TIME_RESOLUTION_MS = 3600_000;

const stale = (at: Date | null, now: Date) =>
  at === null || now.getTime() - at.getTime() >= SIGN_IN_TIME_RESOLUTION_MS;

/** The identity row needs writing: the claim's status or the object id changed, or its times are stale. */
function identityChanged(
  identity: Identity,
  seen: Pick<Identity, 'lastSignInAt' | 'claimStatus' | 'claimsSeenAt'> & { objectId?: string },
): boolean {
  if (identity.claimStatus !== seen.claimStatus) return true;
  if (seen.objectId !== undefined && seen.objectId !== identity.objectId) return true;
  const now = seen.claimsSeenAt!;
  return stale(identity.lastSignInAt, now) || stale(identity.claimsSeenAt, now);
}
