import { Column, Entity, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import { Tenant } from '../tenants/tenant.entity';

/**
 * A tenant's own role. The built-in ladder (guest .. owner) is not stored: every tenant has it, so
 * existing tenants need no data migration and a new tenant needs no seeding. Names are lower-case
 * slugs, so the unique (tenantId, name) is also case-insensitive; ranks are unique per tenant so
 * "highest role wins" never meets a tie.
 */
@Entity('roles')
@Unique(['tenantId', 'name'])
@Unique(['tenantId', 'rank'])
export class CustomRole {
  @UuidPrimaryColumn() id: string = newId();
  @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  /** Fits the varchar(16) role columns of memberships and group links. */
  @Column({ type: 'varchar', length: 16 }) name!: string;
  @Column({ type: 'integer' }) rank!: number;
  @Column({ type: 'varchar', length: 255, nullable: true }) description: string | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}
