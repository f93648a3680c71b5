import { Column, Entity } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import type { RemovalSafety } from '../removal-safety/removal-budget';

export interface TenantSettings {
  /** What a SCIM DELETE does to the user row: block it (default, keeps history) or delete it. */
  scimDeleteAction?: 'block' | 'delete';
  /** Manual membership changes in a group that links manage are refused (the operator may force). */
  lockSyncedMemberships?: boolean;
  /**
   * Default true: sync keeps a group's last owner when the IdP stops granting the role (marked and
   * shown as such). False: the owner is removed or downgraded like anyone else.
   */
  keepLastOwner?: boolean;
  /** The mass-removal circuit breaker (src/removal-safety); missing keys read as the defaults. */
  removalSafety?: Partial<RemovalSafety>;
  /** While true, sign-ins and SCIM pushes store what the IdPs say but change no membership or admin flag. */
  syncPaused?: boolean;
}

@Entity('tenants')
export class Tenant {
  @UuidPrimaryColumn() id: string = newId();
  @Column({ type: 'varchar', length: 63, unique: true }) slug!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @JsonColumn() settings: TenantSettings = {};
  /**
   * Bumped by database triggers on every write to the tenant's groups and group links (migration
   * AddTenantSyncVersion), cascades included, so a cached sync context knows when to reload.
   */
  @Column({ type: 'integer', default: 0 }) syncVersion: number = 0;
  /** When the removal circuit breaker opened; null while closed (no staged removals wait). */
  @TimestampColumn({ nullable: true }) removalBreakerTrippedAt: Date | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}
