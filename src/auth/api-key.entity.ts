import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import { Tenant } from '../tenants/tenant.entity';

/** A tenant API key. Only the SHA-256 of the token is stored; the token is shown once. */
@Entity('api_keys')
export class ApiKey {
  @UuidPrimaryColumn() id: string = newId();
  @Index() @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'varchar', length: 64, unique: true }) tokenHash!: string;
  /** The first characters of the token, so people can tell keys apart. */
  @Column({ type: 'varchar', length: 16 }) tokenPrefix!: string;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn({ nullable: true }) lastUsedAt: Date | null = null;
  @TimestampColumn({ nullable: true }) revokedAt: Date | null = null;
}
