import { Column, Entity, Index } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newTimeOrderedId } from '../common/ids';
import type { ActorType } from '../common/request-context';

export type { ActorType };

/**
 * Append-only. No foreign key to the tenant on purpose: the trail of a deleted tenant stays readable
 * by the operator. Ids are UUIDv7, so ordering by id is ordering by time.
 */
@Entity('audit_events')
@Index(['tenantId', 'id'])
@Index(['tenantId', 'action', 'id'])
@Index(['tenantId', 'userId', 'id'])
export class AuditEvent {
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @UuidColumn() tenantId!: string;
  @TimestampColumn() createdAt: Date = new Date();
  @Column({ type: 'varchar', length: 16 }) actorType!: ActorType;
  @Column({ type: 'varchar', length: 64, nullable: true }) actorId: string | null = null;
  @Column({ type: 'varchar', length: 320, nullable: true }) actorLabel: string | null = null;
  @Column({ type: 'varchar', length: 64 }) action!: string;
  @Column({ type: 'varchar', length: 32 }) targetType!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) targetId: string | null = null;
  /** The user the event is about (membership changes, sign-ins), for `?userId=`. */
  @UuidColumn({ nullable: true }) userId: string | null = null;
  @JsonColumn({ nullable: true }) before: Record<string, unknown> | null = null;
  @JsonColumn({ nullable: true }) after: Record<string, unknown> | null = null;
  @JsonColumn({ nullable: true }) details: Record<string, unknown> | null = null;
  @Column({ type: 'varchar', length: 64 }) correlationId!: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) ip: string | null = null;
  @Column({ type: 'varchar', length: 512, nullable: true }) userAgent: string | null = null;
}
