import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import { IdentityProvider } from '../identity-providers/identity-provider.entity';

/**
 * A sign-in in flight: what the callback must check (state, nonce, PKCE verifier), kept server-side
 * for a few minutes and used once. `bindingHash` ties it to the browser that started it (a cookie),
 * so a callback URL cannot be replayed from another browser.
 */
@Entity('sso_login_states')
export class SsoLoginState {
  @UuidPrimaryColumn() id: string = newId();
  @Index() @UuidColumn() tenantId!: string;
  @UuidColumn() idpId!: string;
  @ManyToOne(() => IdentityProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'idpId' })
  idp?: IdentityProvider;
  @Column({ type: 'varchar', length: 64, unique: true }) stateHash!: string;
  @Column({ type: 'varchar', length: 64 }) bindingHash!: string;
  @Column({ type: 'varchar', length: 128 }) nonce!: string;
  @Column({ type: 'varchar', length: 128, nullable: true }) codeVerifier: string | null = null;
  @Column({ type: 'varchar', length: 2048, nullable: true }) returnTo: string | null = null;
  /** Set when an admin started this login as a test sign-in (TestSignIn): its ACS or callback writes nothing. */
  @UuidColumn({ nullable: true }) testSignInId: string | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @Index() @TimestampColumn() expiresAt!: Date;
}
