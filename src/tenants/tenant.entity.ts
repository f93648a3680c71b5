import { Column, Entity } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';

export interface TenantSettings {
  /** What a SCIM DELETE does to the user row: block it (default, keeps history) or delete it. */
  scimDeleteAction?: 'block' | 'delete';
}

@Entity('tenants')
export class Tenant {
  @UuidPrimaryColumn() id: string = newId();
  @Column({ type: 'varchar', length: 63, unique: true }) slug!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @JsonColumn() settings: TenantSettings = {};
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}
