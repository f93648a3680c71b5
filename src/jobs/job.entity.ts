import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { newId, newTimeOrderedId } from '../common/ids';
import type { ActorType } from '../common/request-context';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../database/columns';
import { Tenant } from '../tenants/tenant.entity';

export const JOB_KINDS = ['reconcile'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** A job in one of these states is over: nothing runs it again. */
export const FINISHED: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export interface JobActor {
  type: ActorType;
  id: string | null;
  label: string | null;
}

/**
 * Long work done in the background, in batches (docs/operations.md, "Jobs"). A process claims a
 * queued job, or one whose lease ran out (its process died), and runs it one batch per transaction;
 * each batch moves `cursor` and `progressDone` in the transaction of its writes, so a job that
 * stops resumes after its last committed batch.
 */
@Entity('jobs')
@Index(['tenantId', 'id'])
@Index(['status', 'createdAt'])
export class Job {
  /** Time-ordered (UUIDv7): the list pages newest first by id alone. */
  @UuidPrimaryColumn() id: string = newTimeOrderedId();
  @UuidColumn() tenantId!: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'tenantId' }) tenant?: Tenant;
  @Column({ type: 'varchar', length: 32 }) kind!: JobKind;
  @Column({ type: 'varchar', length: 16 }) status: JobStatus = 'queued';
  /** What the job does, fixed when it was queued (for a reconcile: the scope and the IdPs, in order). */
  @JsonColumn() params!: Record<string, unknown>;
  /** Where the next batch starts; null before the first one. */
  @JsonColumn({ nullable: true }) cursor: Record<string, unknown> | null = null;
  @Column({ type: 'integer' }) progressDone = 0;
  @Column({ type: 'integer' }) progressTotal = 0;
  /** Batches committed so far (job_batches rows). */
  @Column({ type: 'integer' }) batches = 0;
  /** The running summary (for a reconcile: its counts), final once the job succeeded. */
  @JsonColumn({ nullable: true }) result: Record<string, unknown> | null = null;
  @Column({ type: 'text', nullable: true }) error: string | null = null;
  /** How many times a process claimed it (a retry after an error or a takeover counts). */
  @Column({ type: 'integer' }) attempts = 0;
  /** Who queued it; the job's audit events are theirs, under the request's correlation id. */
  @JsonColumn() createdBy!: JobActor;
  @Column({ type: 'varchar', length: 128 }) correlationId!: string;
  /** The process running it, until `lockedUntil` (its lease, renewed by every batch). */
  @Column({ type: 'varchar', length: 64, nullable: true }) lockedBy: string | null = null;
  @TimestampColumn({ nullable: true }) lockedUntil: Date | null = null;
  @TimestampColumn() createdAt: Date = new Date();
  @TimestampColumn() updatedAt: Date = new Date();
  @TimestampColumn({ nullable: true }) startedAt: Date | null = null;
  @TimestampColumn({ nullable: true }) finishedAt: Date | null = null;
}

/**
 * One committed batch of a job: which process ran it and which items it covered (for a reconcile,
 * user ids in order). Written in the batch's transaction; it shows that no batch ran twice.
 */
@Entity('job_batches')
@Index(['jobId', 'seq'])
export class JobBatch {
  @UuidPrimaryColumn() id: string = newId();
  @UuidColumn() jobId!: string;
  @ManyToOne(() => Job, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'jobId' }) job?: Job;
  /** 1 for the job's first batch, then one more for each. */
  @Column({ type: 'integer' }) seq!: number;
  @Column({ type: 'varchar', length: 64 }) processedBy!: string;
  @Column({ type: 'varchar', length: 128 }) firstItem!: string;
  @Column({ type: 'varchar', length: 128 }) lastItem!: string;
  @Column({ type: 'integer' }) items!: number;
  @TimestampColumn() committedAt: Date = new Date();
}

/** An UPDATE's values: TypeORM's partial-entity type rejects JSON columns typed as records. */
export const jobPatch = (values: Partial<Job>) => values as QueryDeepPartialEntity<Job>;
