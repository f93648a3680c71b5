import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { newId } from '../common/ids';
import type { MembershipSource, Role } from '../sync/engine';
import { User } from '../users/user.entity';
import { Group } from './group.entity';

@Entity('memberships')
@Unique(['userId', 'groupId'])
// A user's memberships in a tenant: the lookup of every sync (the tenantId index alone is a scan).
@Index(['tenantId', 'userId'])
export class Membership {
  @UuidPrimaryColumn() id: string = newId();
  @Index() @UuidColumn() tenantId!: string;
  @UuidColumn() userId!: string;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'userId' }) user?: User;
  @Index() @UuidColumn() groupId!: string;
  @ManyToOne(() => Group, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'groupId' }) group?: Group;
  @Column({ type: 'varchar', length: 16 }) role!: Role;
  @Column({ type: 'varchar', length: 8 }) source!: MembershipSource;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
}
