import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import { Tenant } from '../tenants/tenant.entity';

export type IdpType = 'saml' | 'oidc';

@Entity('identity_providers')
@Unique(['tenantId', 'slug'])
export class IdentityProvider {
  @UuidPrimaryColumn() id: string = newId();
  @Index() @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @Column({ type: 'varchar', length: 63 }) slug!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'varchar', length: 8 }) type!: IdpType;
  @Column({ type: 'boolean' }) enabled: boolean = true;
  /** Protocol settings that are not secret (entity id, URLs, certificates, claim mapping). */
  @JsonColumn() config: Record<string, unknown> = {};
  /** Secrets (OIDC client secret, keys) as one AES-256-GCM box; never returned by the API. */
  @Column({ type: 'text', nullable: true }) secrets: string | null = null;
  @JsonColumn() groupSync: Record<string, unknown> = {};
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}
