import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { inChunks } from '../../database/chunks';
import { ScimUser } from '../../scim/scim-user.entity';
import { Identity } from '../../users/identity.entity';
import { User } from '../../users/user.entity';

const DAY_MS = 86_400_000;

/** More than any tenant should need in one run; the rest waits for the next one. */
const MAX_USERS_PER_RUN = 50_000;

export interface LeaverCandidate {
  id: string;
  email: string;
  /** When the user was last seen: `lastSeenAt`, or creation for a user never seen. */
  seenAt: Date;
}

export const cutoffFor = (days: number, now: Date): Date => new Date(now.getTime() - days * DAY_MS);

/**
 * Active users of this IdP (an identity or a SCIM record there) not seen since `before`. "Seen" is
 * the user's `lastSeenAt` (sign-in through any IdP, SCIM write by any IdP's client), else creation.
 */
export async function usersNotSeenSince(
  em: EntityManager,
  tenantId: string,
  idpId: string,
  before: Date,
): Promise<LeaverCandidate[]> {
  const rows = await em
    .createQueryBuilder(User, 'u')
    .select(['u.id AS id', 'u.email AS email', 'u.lastSeenAt AS "lastSeenAt"', 'u.createdAt AS "createdAt"'])
    .where('u.tenantId = :tenantId AND u.status = :active', { tenantId, active: 'active' })
    .andWhere('COALESCE(u.lastSeenAt, u.createdAt) < :before', { before })
    .andWhere(
      '(EXISTS (SELECT 1 FROM identities i WHERE i."userId" = u.id AND i."idpId" = :idpId)' +
        ' OR EXISTS (SELECT 1 FROM scim_users s WHERE s."userId" = u.id AND s."idpId" = :idpId))',
      { idpId },
    )
    .orderBy('u.id')
    .limit(MAX_USERS_PER_RUN)
    .getRawMany<{ id: string; email: string; lastSeenAt: Date | string | null; createdAt: Date | string }>();
  return rows.map((r) => ({ id: r.id, email: r.email, seenAt: asDate(r.lastSeenAt ?? r.createdAt) }));
}

// SQLite answers raw datetimes as UTC text without a zone.
function asDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Entra object id to ask Graph for, per user: the `oid` a sign-in stored, else an identity
 * external id or SCIM externalId that is an object id (a GUID, e.g. a claim mapping to `oid`). Never
 * a UPN or email: those change on rename, and a 404 for a renamed user would block them.
 */
export async function objectIdsOf(
  em: EntityManager,
  tenantId: string,
  idpId: string,
  userIds: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const fallback = new Map<string, string>();
  for (const chunk of inChunks(userIds)) {
    const identities = await em.find(Identity, {
      where: { tenantId, idpId, userId: In(chunk) },
      select: { userId: true, externalId: true, objectId: true },
    });
    for (const i of identities) {
      if (i.objectId) found.set(i.userId, i.objectId);
      else if (GUID.test(i.externalId)) fallback.set(i.userId, i.externalId);
    }
    const scim = await em.find(ScimUser, {
      where: { tenantId, idpId, userId: In(chunk) },
      select: { userId: true, externalId: true },
    });
    for (const u of scim) if (u.externalId && GUID.test(u.externalId)) fallback.set(u.userId, u.externalId);
  }
  for (const [userId, id] of fallback) if (!found.has(userId)) found.set(userId, id);
  return found;
}
