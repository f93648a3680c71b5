import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId, newTimeOrderedId } from '../common/ids';
import { Group } from '../groups/group.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import type { Role } from '../sync/engine';
import { Tenant } from '../tenants/tenant.entity';
import { User } from '../users/user.entity';

export type RemovalTrigger = 'sign-in' | 'reconcile' | 'scim' | 'graph-refresh' | 'grace-period';

/**
 * A sync removal the circuit breaker held back: it waits for an admin to approve or discard it, and
 * goes away by itself when a later sync of its IdP no longer wants it (the claim came back).
 */
@Entity('staged_removals')
@Unique(['userId', 'groupId'])
@Index(['tenantId', 'createdAt'])
export class StagedRemoval {
  /** Time-ordered (UUIDv7): the list pages oldest first by id alone. */
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @UuidColumn() userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'userId' }) user?: User;
  @Index() @UuidColumn() groupId!: string;
  @ManyToOne(() => Group, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'groupId' }) group?: Group;
  @Index() @UuidColumn() idpId!: string;
  @ManyToOne(() => IdentityProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'idpId' })
  idp?: IdentityProvider;
  /** The role the membership had when the removal was planned. */
  @Column({ type: 'varchar', length: 16 }) role!: Role;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: 'varchar', length: 16 }) trigger!: RemovalTrigger;
  @TimestampColumn() createdAt: Date = new Date();
}

/**
 * Sync removals applied, one row per write that removed something: the breaker's window is the sum
 * of a tenant's rows since `windowMinutes` ago, shared by every process through the database.
 */
@Entity('sync_removal_counts')
@Index(['tenantId', 'at'])
export class SyncRemovalCount {
  @UuidPrimaryColumn() id: string = newId();
  @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @TimestampColumn() at: Date = new Date();
  @Column({ type: 'integer' }) removals!: number;
}
