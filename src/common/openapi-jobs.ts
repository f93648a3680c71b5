// The jobs API in the OpenAPI document (docs/operations.md, "Jobs"): the answers' schemas and the
// operations' summaries, spread into openapi-schemas.ts and openapi-operations.ts.
import type { OperationDoc } from './openapi-operations';
import {
  anyObject,
  int,
  ns,
  ntime,
  obj,
  page,
  ref,
  s,
  time,
  uuid,
  type Schema,
} from './openapi-schema-parts';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

export const JOB_SCHEMAS: Record<string, Schema> = {
  Job: {
    ...obj({
      id: uuid,
      kind: { type: 'string', enum: ['reconcile'] },
      status: { type: 'string', enum: STATUSES },
      params: {
        ...anyObject,
        nullable: false,
        description: 'What the job does (a reconcile: its scope and IdPs)',
      },
      progress: obj({
        done: { ...int, description: 'Items committed (a reconcile: users)' },
        total: { ...int, description: 'Items in all, counted when a process (re)starts the job' },
      }),
      result: {
        ...anyObject,
        description: 'The running summary; for a reconcile a ReconcileResult, final once succeeded',
      },
      error: { ...ns, description: 'The last error (a failed job, or one retried after an error)' },
      attempts: { ...int, description: 'Times a process claimed it' },
      createdBy: obj({ type: s, id: ns, label: ns }),
      correlationId: { ...s, description: "The queuing request's: the job's audit events carry it" },
      createdAt: time,
      startedAt: ntime,
      finishedAt: ntime,
      updatedAt: time,
    }),
    description: 'A background job',
  },
  JobPage: page('Job', 'Jobs, newest first'),
  ReconcileQueued: {
    ...obj({ job: ref('Job') }),
    description: 'The reconcile runs as a job; Location names it (GET .../jobs/{id})',
  },
};

const json = (schema: string, description = 'OK') => ({ description, schema });

export const JOB_OPERATIONS: Record<string, OperationDoc> = {
  'GET /api/v1/tenants/{tenant}/jobs': {
    summary: 'Jobs of the tenant, newest first, cursor-paged; ?status= and ?kind= narrow it',
    ok: { 200: json('JobPage') },
  },
  'GET /api/v1/tenants/{tenant}/jobs/{id}': {
    summary: 'A job: its status, progress and result (poll it while it runs)',
    ok: { 200: json('Job') },
  },
  'POST /api/v1/tenants/{tenant}/jobs/{id}/cancel': {
    summary: 'Cancel a queued or running job (a running one stops after its batch in flight)',
    description: 'Batches already committed stay applied. 409 job_finished for a job that is over.',
    ok: { 200: json('Job') },
    errors: [409],
  },
};
