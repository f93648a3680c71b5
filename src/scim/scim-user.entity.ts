import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, Unique } from 'typeorm';
import { newTimeOrderedId } from '../common/ids';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { User } from '../users/user.entity';

/**
 * The SCIM side of a user at one IdP: the resource as the IdP last wrote it (password never kept),
 * plus the attributes filters search, as columns. The SCIM id of the user is `userId`.
 * Lower-cased `...Key` columns serve case-insensitive attributes (userName, emails) with indexes.
 */
@Entity('scim_users')
@Unique(['idpId', 'userNameKey'])
@Unique(['idpId', 'userId'])
@Index(['idpId', 'externalId'])
export class ScimUser {
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @Index() @UuidColumn() tenantId!: string;
  @UuidColumn() idpId!: string;
  @ManyToOne(() => IdentityProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'idpId' })
  idp?: IdentityProvider;
  @Index() @UuidColumn() userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'userId' }) user?: User;
  @Column({ type: 'varchar', length: 512 }) userName!: string;
  @Column({ type: 'varchar', length: 512 }) userNameKey!: string;
  @Column({ type: 'varchar', length: 512, nullable: true }) externalId: string | null = null;
  @Column({ type: 'varchar', length: 512, nullable: true }) displayName: string | null = null;
  @Column({ type: 'varchar', length: 255, nullable: true }) givenName: string | null = null;
  @Column({ type: 'varchar', length: 255, nullable: true }) familyName: string | null = null;
  @Column({ type: 'varchar', length: 255, nullable: true }) employeeNumber: string | null = null;
  @Column({ type: 'boolean' }) active: boolean = true;
  /** The resource without id, meta and password, as the IdP last set it. */
  @JsonColumn() resource: Record<string, unknown> = {};
  @OneToMany(() => ScimUserEmail, (e) => e.scimUser) emails?: ScimUserEmail[];
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}

/** One entry of a SCIM user's `emails`, searchable by `emails[type eq "work"].value`. */
@Entity('scim_user_emails')
@Index(['valueKey'])
export class ScimUserEmail {
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @UuidColumn() tenantId!: string;
  @Index() @UuidColumn() scimUserId!: string;
  @ManyToOne(() => ScimUser, (u) => u.emails, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scimUserId' })
  scimUser?: ScimUser;
  @Column({ type: 'varchar', length: 320 }) valueKey!: string;
  @Column({ type: 'varchar', length: 32, nullable: true }) type: string | null = null;
  @Column({ type: 'boolean' }) primary: boolean = false;
}
