import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newTimeOrderedId } from '../common/ids';
import { Tenant } from '../tenants/tenant.entity';

export type UserStatus = 'active' | 'blocked';
export type AdminSource = 'manual' | 'sync';
/** Who blocked the user: an admin, SCIM, a Graph refresh (gone from Entra), the inactivity rule. */
export type BlockedBy = 'admin' | 'scim' | 'graph' | 'inactive';

@Entity('users')
// Also "the tenant's users": tenantId has no index of its own (one index write less per user).
@Unique(['tenantId', 'email'])
// The email prefix search (GET .../users?q=): on PostgreSQL with varchar_pattern_ops, so LIKE 'abc%'
// can use it under any collation; written by hand in the AddTestSignIns migrations (TypeORM cannot
// declare an operator class), hence not synchronized. docs/api.md, "Users: prefix search".
@Index('IDX_users_email_prefix', { synchronize: false })
export class User {
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  /** Stored lower-cased: email addresses are compared case-insensitively. */
  @Column({ type: 'varchar', length: 320 }) email!: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) displayName: string | null = null;
  @Column({ type: 'boolean' }) isAdmin: boolean = false;
  /** Who made the user an admin: sync may only revoke what sync granted. */
  @Column({ type: 'varchar', length: 8, nullable: true }) adminSource: AdminSource | null = null;
  @Column({ type: 'varchar', length: 16 }) status: UserStatus = 'active';
  /** Who blocked the user: SCIM may only lift a block SCIM set (an admin's block survives IdP pushes). */
  @Column({ type: 'varchar', length: 8, nullable: true }) blockedBy: BlockedBy | null = null;
  @TimestampColumn({ nullable: true }) lastSignInAt: Date | null = null;
  /**
   * Last sign-in through any IdP or SCIM write of the user by any IdP's client (null: never, then
   * creation counts): the clock of the leaver rules (docs/sync.md, "Leavers").
   */
  @TimestampColumn({ nullable: true }) lastSeenAt: Date | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}
