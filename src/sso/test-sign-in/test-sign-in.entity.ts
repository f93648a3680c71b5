import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { newId } from '../../common/ids';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../../database/columns';
import { IdentityProvider } from '../../identity-providers/identity-provider.entity';
import { Tenant } from '../../tenants/tenant.entity';

/** `pending`: created by an admin; `started`: its login ran; `completed` / `refused`: the IdP answered. */
export type TestSignInStatus = 'pending' | 'started' | 'completed' | 'refused';

/**
 * An admin's dry-run sign-in through one IdP (docs/saml.md, "Test sign-in"). The login URL carries a
 * one-time token (stored hashed) that marks the login state it starts as a test; the ACS or callback
 * of that login stores what arrived and what a real sign-in would do here, and writes nothing else
 * but its audit event. Short-lived: expired rows are deleted as new tests start.
 */
@Entity('test_sign_ins')
export class TestSignIn {
  @UuidPrimaryColumn() id: string = newId();
  @Index() @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @UuidColumn() idpId!: string;
  @ManyToOne(() => IdentityProvider, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'idpId' })
  idp?: IdentityProvider;
  @Column({ type: 'varchar', length: 64, unique: true }) tokenHash!: string;
  @Column({ type: 'varchar', length: 16 }) status: TestSignInStatus = 'pending';
  /** Who started it, as the audit log names them (an admin's email, an API key's name, the operator). */
  @Column({ type: 'varchar', length: 320 }) startedBy!: string;
  /** What arrived and the plan (see TestSignInResult); null until the IdP answered. */
  @JsonColumn({ nullable: true }) result: Record<string, unknown> | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn({ nullable: true }) completedAt: Date | null = null;
  @Index() @TimestampColumn() expiresAt!: Date;
}
