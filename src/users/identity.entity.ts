import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newTimeOrderedId } from '../common/ids';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';
import { User } from './user.entity';

/** Links a user to an account at one IdP: SAML NameID, OIDC `sub` or SCIM externalId. */
@Entity('identities')
@Unique(['idpId', 'externalId'])
export class Identity {
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @Index() @UuidColumn() tenantId!: string;
  @Index() @UuidColumn() userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'userId' }) user?: User;
  @UuidColumn() idpId!: string;
  @ManyToOne(() => IdentityProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'idpId' })
  idp?: IdentityProvider;
  @Column({ type: 'varchar', length: 512 }) externalId!: string;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn({ nullable: true }) lastSignInAt: Date | null = null;
  /**
   * What the last group claim looked like ('present', 'missing', 'overage'): re-evaluating the user
   * later (link changes, reconcile) must not remove anyone on the strength of an incomplete list.
   */
  @Column({ type: 'varchar', length: 8, nullable: true }) claimStatus:
    'present' | 'missing' | 'overage' | null = null;
  @TimestampColumn({ nullable: true }) claimsSeenAt: Date | null = null;
  /** Entra ID's immutable user object id (`oid`), when a sign-in carried it: what a Graph refresh asks for. */
  @Column({ type: 'varchar', length: 64, nullable: true }) objectId: string | null = null;
}
