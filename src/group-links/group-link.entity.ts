import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import type { MatchType, Role } from '../sync/engine';
import { Group } from '../groups/group.entity';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';

/** Any IdP of the tenant: the value of `idpKey` when `idpId` is null. */
export const ANY_IDP_KEY = '*';

@Entity('group_links')
@Unique(['groupId', 'idpKey', 'externalGroup'])
export class GroupLink {
  @UuidPrimaryColumn() id: string = newId();
  @Index() @UuidColumn() tenantId!: string;
  @UuidColumn() groupId!: string;
  @ManyToOne(() => Group, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'groupId' }) group?: Group;
  @Index() @UuidColumn({ nullable: true }) idpId: string | null = null;
  @ManyToOne(() => IdentityProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'idpId' })
  idp?: IdentityProvider;
  /**
   * idpId or '*'. NULLs are distinct in unique constraints on both dialects, so the duplicate rule
   * for tenant-wide links needs a non-null column.
   */
  @Column({ type: 'varchar', length: 36 }) idpKey: string = ANY_IDP_KEY;
  @Column({ type: 'varchar', length: 512 }) externalGroup!: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) label: string | null = null;
  @Column({ type: 'varchar', length: 16 }) role!: Role;
  /** How externalGroup is compared: the name itself, a glob, or an anchored regular expression. */
  @Column({ type: 'varchar', length: 8, default: 'exact' }) matchType: MatchType = 'exact';
  /** Regex links: the target is the group named by capture 1; the link's own group is only its home. */
  @Column({ type: 'boolean', default: false }) targetFromCapture: boolean = false;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}
