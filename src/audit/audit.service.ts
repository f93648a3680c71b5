import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { AuditEvent } from './audit-event.entity';
import { insertInChunks } from '../database/insert';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { User } from '../users/user.entity';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  userId?: string | null;
  before?: object | null;
  after?: object | null;
  details?: object | null;
}

export interface AuditQuery {
  action?: string;
  userId?: string;
  correlationId?: string;
  /** The user with this email (stored lower-cased); no such user: no events. */
  email?: string;
  /** Events about the group: the group itself, its memberships, and its current links. */
  groupId?: string;
  /** Slug of an IdP: its sign-ins and refusals, its SCIM tokens' requests, changes of its settings. */
  idp?: string;
  since?: Date;
  until?: Date;
  cursor?: string;
  limit: number;
}

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Writes through the caller's transaction manager, so the event commits or rolls back with the change.
   * The same INSERT fills the webhook outbox: a database trigger on audit_events (docs/webhooks.md).
   */
  async record(
    em: EntityManager,
    ctx: RequestContext,
    tenantId: string,
    entries: AuditEntry | AuditEntry[],
  ): Promise<void> {
    const rows = this.rows(em, ctx, tenantId, entries);
    if (rows.length) await insertInChunks(em, AuditEvent, rows);
  }

  /** The events `record` writes, for a caller that writes them with its own rows (`insertTogether`). */
  rows(
    em: EntityManager,
    ctx: RequestContext,
    tenantId: string,
    entries: AuditEntry | AuditEntry[],
  ): AuditEvent[] {
    const list = Array.isArray(entries) ? entries : [entries];
    return list.map((entry) =>
      em.create(AuditEvent, {
        tenantId,
        actorType: ctx.actor.type,
        actorId: ctx.actor.id,
        actorLabel: ctx.actor.label,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        userId: entry.userId ?? null,
        before: (entry.before as Record<string, unknown>) ?? null,
        after: (entry.after as Record<string, unknown>) ?? null,
        details: (entry.details as Record<string, unknown>) ?? null,
        correlationId: ctx.correlationId,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      }),
    );
  }

  /** Newest first; the cursor is the id of the last event of the previous page (ids are time-ordered). */
  async query(tenantId: string, q: AuditQuery): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
    const qb = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.tenantId = :tenantId', { tenantId });
    if (q.action) {
      if (q.action.endsWith('*'))
        // `_` and `%` in an action name are letters, not LIKE wildcards (sso.sign_in_refused).
        qb.andWhere("e.action LIKE :prefix ESCAPE '\\'", {
          prefix: `${q.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
        });
      else qb.andWhere('e.action = :action', { action: q.action });
    }
    if (q.userId) qb.andWhere('e.userId = :userId', { userId: q.userId });
    if (q.correlationId) qb.andWhere('e.correlationId = :correlationId', { correlationId: q.correlationId });
    if (q.email !== undefined) {
      const user = await this.dataSource
        .getRepository(User)
        .findOne({ where: { tenantId, email: q.email }, select: { id: true } });
      if (!user) return { items: [], nextCursor: null };
      qb.andWhere('e.userId = :emailUserId', { emailUserId: user.id });
    }
    if (q.groupId) {
      // Ids are compared as text: audit targets are varchar, link ids uuid on PostgreSQL.
      qb.andWhere(
        `((e.targetType = 'group' AND e.targetId = :groupId) OR (e.targetType = 'group_link' AND e.targetId IN ` +
          `(SELECT CAST(l.id AS varchar) FROM group_links l WHERE l."tenantId" = :tenantId AND l."groupId" = :linkGroupId)))`,
        // Two parameters: PostgreSQL types one parameter once (varchar here, uuid there).
        { groupId: q.groupId, linkGroupId: q.groupId },
      );
    }
    if (q.idp !== undefined) {
      const idp = await this.dataSource
        .getRepository(IdentityProvider)
        .findOne({ where: { tenantId, slug: q.idp }, select: { id: true } });
      if (!idp) return { items: [], nextCursor: null };
      qb.andWhere(
        `((e.actorType = 'idp' AND e.actorId = :idpId) OR (e.targetType = 'identity_provider' AND e.targetId = :idpId) ` +
          `OR (e.actorType = 'scim' AND e.actorId IN ` +
          `(SELECT CAST(s.id AS varchar) FROM scim_tokens s WHERE s."tenantId" = :tenantId AND s."idpId" = :tokenIdpId)))`,
        { idpId: idp.id, tokenIdpId: idp.id },
      );
    }
    if (q.since) qb.andWhere('e.createdAt >= :since', { since: q.since });
    if (q.until) qb.andWhere('e.createdAt < :until', { until: q.until });
    if (q.cursor) qb.andWhere('e.id < :cursor', { cursor: q.cursor });
    const rows = await qb
      .orderBy('e.id', 'DESC')
      .take(q.limit + 1)
      .getMany();
    const items = rows.slice(0, q.limit);
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].id : null };
  }
}
