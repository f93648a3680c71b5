import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { newId } from '../common/ids';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { Tenant } from '../tenants/tenant.entity';

/**
 * A tenant's receiver of events (docs/webhooks.md). `events` is stored as the subscribed types
 * separated by spaces, with a space at each end (" membership.added user.created "), so the outbox
 * trigger on audit_events can match a type with one `instr`/`position` (see the migration).
 */
@Entity('webhooks')
@Index(['tenantId', 'enabled'])
export class Webhook {
  @UuidPrimaryColumn() id: string = newId();
  @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @Column({ type: 'varchar', length: 2048 }) url!: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) description: string | null = null;
  @Column({ type: 'varchar', length: 1000 }) events!: string;
  /** The signing secret, sealed with SECRET_KEY (SecretBox); shown once at create and rotate. */
  @Column({ type: 'text' }) secret!: string;
  @Column({ type: 'boolean' }) enabled: boolean = true;
  /** Set when the service turned it off (a receiver failing past WEBHOOK_MAX_AGE_SECONDS). */
  @TimestampColumn({ nullable: true }) disabledAt: Date | null = null;
  @Column({ type: 'varchar', length: 500, nullable: true }) disabledReason: string | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}

export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * The outbox: one event for one webhook. Rows are written by the database trigger on audit_events,
 * in the transaction of the change they report (redeliveries by the service). The worker claims due
 * rows (`delivering` with a lease), sends them and records the outcome. Deliveries of one
 * (webhook, user) go out in `auditEventId` order (UUIDv7, time-ordered).
 */
@Entity('webhook_deliveries')
@Index(['status', 'nextAttemptAt'])
@Index(['webhookId', 'userId', 'auditEventId'])
@Index(['webhookId', 'createdAt', 'id'])
export class WebhookDelivery {
  @UuidPrimaryColumn() id: string = newId();
  @UuidColumn() tenantId!: string;
  @UuidColumn() webhookId!: string;
  @ManyToOne(() => Webhook, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'webhookId' }) webhook?: Webhook;
  /** The audit event this reports; also the event id receivers see (`groupsync-event-id`). */
  @UuidColumn() auditEventId!: string;
  @Column({ type: 'varchar', length: 64 }) eventType!: string;
  /** The user the event is about: deliveries of one user go out in order. */
  @UuidColumn({ nullable: true }) userId: string | null = null;
  @Column({ type: 'varchar', length: 16 }) status: DeliveryStatus = 'pending';
  @Column({ type: 'integer' }) attempts = 0;
  @TimestampColumn() nextAttemptAt: Date = new Date();
  @Column({ type: 'varchar', length: 64, nullable: true }) lockedBy: string | null = null;
  @TimestampColumn({ nullable: true }) lockedUntil: Date | null = null;
  @Column({ type: 'integer', nullable: true }) lastStatusCode: number | null = null;
  @Column({ type: 'varchar', length: 500, nullable: true }) lastError: string | null = null;
  @Column({ type: 'integer', nullable: true }) lastDurationMs: number | null = null;
  /** The JSON body sent, fixed at the first attempt: every retry and redelivery sends the same bytes. */
  @Column({ type: 'text', nullable: true }) body: string | null = null;
  /** The delivery this one repeats (POST .../redeliver). */
  @UuidColumn({ nullable: true }) redeliveryOf: string | null = null;
  @TimestampColumn({ nullable: true }) deliveredAt: Date | null = null;
  @TimestampColumn() createdAt: Date = new Date();
}
