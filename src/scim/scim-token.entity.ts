import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { Tenant } from '../tenants/tenant.entity';

/** A SCIM bearer token, bound to one IdP connection of a tenant. Stored as a SHA-256 hash. */
@Entity('scim_tokens')
export class ScimToken {
  @UuidPrimaryColumn() id: string = newId();
  @Index() @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @Index() @UuidColumn() idpId!: string;
  @ManyToOne(() => IdentityProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'idpId' })
  idp?: IdentityProvider;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'varchar', length: 64, unique: true }) tokenHash!: string;
  @Column({ type: 'varchar', length: 16 }) tokenPrefix!: string;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn({ nullable: true }) lastUsedAt: Date | null = null;
  @TimestampColumn({ nullable: true }) revokedAt: Date | null = null;
}
