import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newTimeOrderedId } from '../common/ids';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { User } from '../users/user.entity';

export type ExternalMembershipSource = 'claim' | 'scim';

/** What an IdP last told us about a user's groups (sign-in claims or SCIM pushes), already normalized. */
@Entity('external_memberships')
@Unique(['userId', 'idpId', 'source', 'externalGroup'])
@Index(['tenantId', 'idpId', 'externalGroup'])
@Index(['tenantId', 'idpId', 'userId'])
export class ExternalMembership {
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @UuidColumn() tenantId!: string;
  @UuidColumn() userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'userId' }) user?: User;
  @UuidColumn() idpId!: string;
  @ManyToOne(() => IdentityProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'idpId' })
  idp?: IdentityProvider;
  @Column({ type: 'varchar', length: 512 }) externalGroup!: string;
  @Column({ type: 'varchar', length: 8 }) source!: ExternalMembershipSource;
  @TimestampColumn() seenAt: Date = new Date();
}
