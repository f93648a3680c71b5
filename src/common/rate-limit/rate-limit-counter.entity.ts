import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One fixed-window counter: `key` is the rule and its subject (client address, tenant, IdP and
 * refusal code), times are epoch milliseconds so both dialects compare plain integers. Rows are
 * purged once expired; the table holds at most one row per live key.
 */
@Entity('rate_limit_counters')
export class RateLimitCounter {
  @PrimaryColumn({ type: 'varchar', length: 200 }) key!: string;
  @Column({ type: 'bigint' }) windowStart!: number;
  @Column({ type: 'integer' }) count!: number;
  @Index() @Column({ type: 'bigint' }) expiresAt!: number;
}
