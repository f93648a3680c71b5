import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { AuditEvent } from './audit-event.entity';
import { insertInChunks } from '../database/insert';

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
  since?: Date;
  until?: Date;
  cursor?: string;
  limit: number;
}

@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes through the caller's transaction manager, so the event commits or rolls back with the change. */
  async record(
    em: EntityManager,
    ctx: RequestContext,
    tenantId: string,
    entries: AuditEntry | AuditEntry[],
  ): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    const rows = list.map((entry) =>
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
    await insertInChunks(em, AuditEvent, rows);
  }

  /** Newest first; the cursor is the id of the last event of the previous page (ids are time-ordered). */
  async query(tenantId: string, q: AuditQuery): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
    const qb = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.tenantId = :tenantId', { tenantId });
    if (q.action) {
      if (q.action.endsWith('*'))
        qb.andWhere('e.action LIKE :prefix', { prefix: `${q.action.slice(0, -1)}%` });
      else qb.andWhere('e.action = :action', { action: q.action });
    }
    if (q.userId) qb.andWhere('e.userId = :userId', { userId: q.userId });
    if (q.correlationId) qb.andWhere('e.correlationId = :correlationId', { correlationId: q.correlationId });
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
