import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import { type GroupSyncPolicy, resolvePolicy } from '../sync/engine';
import { Tenant } from '../tenants/tenant.entity';
import { type IdpConfig, readIdpConfig } from './idp-config';

export type IdpType = 'saml' | 'oidc';

export interface MetadataRefreshStatus {
  /** When the URL was last read, successfully or not. */
  checkedAt: string;
  /** When a read last changed the settings. */
  changedAt: string | null;
  /** Why the last read failed; null when it succeeded. */
  error: string | null;
}

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
  /** While true, sign-ins through this IdP store their claims but change no membership or admin flag. */
  @Column({ type: 'boolean', default: false }) syncPaused: boolean = false;
  /**
   * Protocol settings that are not secret (entity id, URLs, certificates, claim mapping), typed per
   * protocol and checked where they are read from the database (`idp-config.ts`).
   */
  @JsonColumn({ transformer: { from: readIdpConfig, to: (config: IdpConfig) => config } })
  config: IdpConfig = {};
  /** Secrets (OIDC client secret, keys) as one AES-256-GCM box; never returned by the API. */
  @Column({ type: 'text', nullable: true }) secrets: string | null = null;
  /**
   * The group-sync policy, always whole: resolved against the defaults here, where it is read from
   * the database (rows stored before a policy key existed get its default), so no reader resolves it.
   */
  @JsonColumn({
    transformer: { from: (stored: unknown) => resolveStored(stored), to: (policy: unknown) => policy },
  })
  groupSync: GroupSyncPolicy = resolvePolicy();
  /** When the scheduled leaver run (Graph refresh, inactivity block) is next due; null: not scheduled. */
  @TimestampColumn({ nullable: true }) leaversNextRunAt: Date | null = null;
  /**
   * SAML with a metadata URL: the last scheduled or manual re-read (docs/saml.md, "Metadata URL").
   * A failure is kept here and never clears the working settings; null: never read again.
   */
  @JsonColumn({ nullable: true, transformer: { from: readRefreshStatus, to: (s: unknown) => s ?? null } })
  metadataRefresh: MetadataRefreshStatus | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}

function resolveStored(stored: unknown): GroupSyncPolicy {
  const partial = stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {};
  return resolvePolicy(partial as Partial<GroupSyncPolicy>);
}

function readRefreshStatus(stored: unknown): MetadataRefreshStatus | null {
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return null;
  const s = stored as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const checkedAt = text(s.checkedAt);
  return checkedAt ? { checkedAt, changedAt: text(s.changedAt), error: text(s.error) } : null;
}
