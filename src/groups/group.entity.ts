import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import { Tenant } from '../tenants/tenant.entity';

@Entity('groups')
@Unique(['tenantId', 'name'])
export class Group {
  @UuidPrimaryColumn() id: string = newId();
  @Index() @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  @Column({ type: 'text', nullable: true }) description: string | null = null;
  @Index() @UuidColumn({ nullable: true }) parentId: string | null = null;
  // The service refuses to delete a group with subgroups; CASCADE only matters when a tenant goes.
  @ManyToOne(() => Group, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'parentId' }) parent?: Group;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}
