import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import { Tenant } from '../tenants/tenant.entity';
import { User } from '../users/user.entity';

/** A browser session after SSO sign-in. Kept in the database so any instance can serve it. */
@Entity('sessions')
export class Session {
  @UuidPrimaryColumn() id: string = newId();
  @Index() @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @Index() @UuidColumn() userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'userId' }) user?: User;
  @UuidColumn({ nullable: true }) idpId: string | null = null;
  @Column({ type: 'varchar', length: 64, unique: true }) tokenHash!: string;
  @Column({ type: 'varchar', length: 64 }) csrfToken!: string;
  @TimestampColumn() createdAt: Date = new Date();
  // Indexed for the retention sweep and the expired-session purge (DELETE ... WHERE expiresAt < now).
  @Index() @TimestampColumn() expiresAt!: Date;
  @TimestampColumn() lastSeenAt: Date = new Date();
}
