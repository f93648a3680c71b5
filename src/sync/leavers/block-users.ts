import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { AuditEntry } from '../../audit/audit.service';
import { Session } from '../../auth/session.entity';
import { type BlockedBy, User } from '../../users/user.entity';

/**
 * Blocks users as SCIM's `active: false` does: status `blocked`, sessions ended, memberships kept
 * (an admin sees where they had access; unblocking restores it). `blockedBy` says which rule did it.
 * The callers hold the users' row locks. Returns one `user.blocked` audit entry per user.
 */
export async function blockUsers(
  em: EntityManager,
  tenantId: string,
  users: User[],
  blockedBy: Extract<BlockedBy, 'graph' | 'inactive'>,
  details: (user: User) => Record<string, unknown>,
): Promise<AuditEntry[]> {
  if (users.length === 0) return [];
  const ids = users.map((u) => u.id);
  const now = new Date();
  await em.update(User, { tenantId, id: In(ids) }, { status: 'blocked', blockedBy, updatedAt: now });
  await em.delete(Session, { tenantId, userId: In(ids) });
  return users.map((user) => ({
    action: 'user.blocked',
    targetType: 'user',
    targetId: user.id,
    userId: user.id,
    before: { email: user.email, status: user.status },
    after: { status: 'blocked', blockedBy },
    details: details(user),
  }));
}
