import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from './columns';

/** Platform-wide values generated at first start: the operator token's hash (and, from earlier versions, a secret key). */
@Entity('system_settings')
export class SystemSetting {
  @PrimaryColumn({ type: 'varchar', length: 64 }) key!: string;
  @Column({ type: 'text' }) value!: string;
  @TimestampColumn() updatedAt: Date = new Date();
}
