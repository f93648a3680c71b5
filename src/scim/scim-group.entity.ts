import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { newTimeOrderedId } from '../common/ids';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { User } from '../users/user.entity';

/**
 * A group the IdP pushes over SCIM: an external group of that IdP, never a local group. Group links
 * match its displayName or its externalId (Entra's object id), like sign-in claims.
 */
@Entity('scim_groups')
@Unique(['idpId', 'displayNameKey'])
@Index(['idpId', 'externalId'])
export class ScimGroup {
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @Index() @UuidColumn() tenantId!: string;
  @UuidColumn() idpId!: string;
  @ManyToOne(() => IdentityProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'idpId' })
  idp?: IdentityProvider;
  @Column({ type: 'varchar', length: 512 }) displayName!: string;
  @Column({ type: 'varchar', length: 512 }) displayNameKey!: string;
  @Column({ type: 'varchar', length: 512, nullable: true }) externalId: string | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}

@Entity('scim_group_members')
@Unique(['scimGroupId', 'userId'])
export class ScimGroupMember {
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @UuidColumn() tenantId!: string;
  @UuidColumn() scimGroupId!: string;
  @ManyToOne(() => ScimGroup, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'scimGroupId' }) group?: ScimGroup;
  @Index() @UuidColumn() userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'userId' }) user?: User;
}
