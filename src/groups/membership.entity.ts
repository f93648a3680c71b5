import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newTimeOrderedId } from '../common/ids';
import type { MembershipSource, Role } from '../sync/engine';
import { User } from '../users/user.entity';
import { Group } from './group.entity';

@Entity('memberships')
@Unique(['userId', 'groupId'])
// A user's memberships in a tenant: the lookup of every sync; it also serves "the tenant's
// memberships", so tenantId has no index of its own (one index write less per row, issue #14).
@Index(['tenantId', 'userId'])
export class Membership {
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @UuidColumn() tenantId!: string;
  @UuidColumn() userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'userId' }) user?: User;
  @Index() @UuidColumn() groupId!: string;
  @ManyToOne(() => Group, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'groupId' }) group?: Group;
  @Column({ type: 'varchar', length: 16 }) role!: Role;
  @Column({ type: 'varchar', length: 8 }) source!: MembershipSource;
  /** Grace period: when sync removes this membership unless a claim justifies it again; null: not pending. */
  @Index('IDX_memberships_removalDueAt')
  @TimestampColumn({ nullable: true })
  removalDueAt: Date | null = null;
  /** The IdP whose sync scheduled the removal (its policy decides it when due). */
  @UuidColumn({ nullable: true }) removalIdpId: string | null = null;
  /** Why the removal is pending, as the plan said it. */
  @Column({ type: 'text', nullable: true }) removalReason: string | null = null;
  /** Since when sync keeps this owner only because they are the group's last owner; null: not so kept. */
  @TimestampColumn({ nullable: true }) lastOwnerKeptAt: Date | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}
