import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { SamlConfig as NodeSamlOptions } from '@node-saml/node-saml';
import { Worker } from 'node:worker_threads';
import { ValidationScheduler, ValidatorBusy } from './validation-scheduler';

/** What the ACS reads from a validated response (plain data, copied out of the worker). */
export interface ValidatedProfile {
  nameID?: string;
  attributes?: Record<string, unknown>;
  /** node-saml's xml2js view of the signed assertion. */
  assertion?: unknown;
}

export interface ValidationResult {
  profile: ValidatedProfile | null;
  /** Request ids node-saml consumed (it removes them on success and on failure). */
  removed: string[];
  error?: Error;
}

/** A validation that did not finish in time: the worker is replaced, the response refused. */
export class ValidationTimeout extends Error {}
export { ValidatorAddressBusy } from './validation-scheduler';

const TIMEOUT_MS = 5_000;
// passport-saml's MultiSamlStrategy in a worker, run per job as passport runs a strategy: the job's
// node-saml options come per request (getSamlOptions), and its request cache answers from the ids
// the main thread already looked up in the database. The verify step copies the profile out.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { MultiSamlStrategy } = require(workerData.passportSaml);
const plain = (profile) => ({
  nameID: profile.nameID,
  attributes: JSON.parse(JSON.stringify(profile.attributes || {})),
  assertion: profile.getAssertion ? JSON.parse(JSON.stringify(profile.getAssertion())) : undefined,
});
const strategy = new MultiSamlStrategy(
  { getSamlOptions: (req, done) => done(null, req.samlOptions) },
  (profile, done) => done(null, profile ? plain(profile) : false),
  (_profile, done) => done(null, false),
);
parentPort.on('message', ({ id, options, samlResponse, requests }) => {
  const removed = [];
  let answered = false;
  const answer = (outcome) => {
    if (answered) return;
    answered = true;
    parentPort.postMessage({ id, removed, ...outcome });
  };
  const cacheProvider = {
    saveAsync: async () => null,
    getAsync: async (key) => (Object.prototype.hasOwnProperty.call(requests, key) ? requests[key] : null),
    removeAsync: async (key) => { if (key !== null) removed.push(key); return key; },
  };
  const run = Object.create(strategy);
  run.success = (profile) => answer({ profile });
  run.fail = () => answer({ profile: null });
  run.error = (e) => answer({ error: { name: (e && e.name) || 'Error', message: String((e && e.message) || e) } });
  run.redirect = run.pass = () => answer({ error: { name: 'Error', message: 'not a SAML response' } });
  try {
    run.authenticate({ body: { SAMLResponse: samlResponse }, query: {}, samlOptions: { ...options, cacheProvider } }, {});
  } catch (e) {
    run.error(e);
  }
});
parentPort.postMessage({ ready: true });`;

interface ValidationInput {
  options: Partial<NodeSamlOptions>;
  samlResponse: string;
  requests: Record<string, string>;
}

interface Running {
  id: number;
  resolve: (result: ValidationResult) => void;
  reject: (error: Error) => void;
  /** Started when the worker is ready: booting it (modules loaded, on a busy machine seconds) is not the response's cost. */
  timer: NodeJS.Timeout | null;
}

/**
 * SAML response validation (DOM, XPath, canonicalization, RSA) off the event loop. xml-crypto's
 * reference lookups grow faster than linearly with the elements of a response, so even a response
 * within the pre-check's limits can cost a second of CPU: here it costs a worker's time, not every
 * tenant's. One worker per process, one job at a time, each bounded by a timeout; who goes next is
 * the scheduler's choice (a queue per tenant, round-robin, caps per tenant and per client address).
 */
@Injectable()
export class SamlValidator implements OnModuleDestroy {
  private readonly logger = new Logger('SamlValidator');
  private worker: Worker | null = null;
  private workerReady = false;
  private current: Running | null = null;
  private nextId = 1;
  private readonly scheduler = new ValidationScheduler<ValidationInput, ValidationResult>((input) =>
    this.runOnWorker(input),
  );

  /** Waits its turn among the tenant's and other tenants' validations; see ValidationScheduler. */
  validate(
    options: Partial<NodeSamlOptions>,
    samlResponse: string,
    requests: Record<string, string>,
    from: { tenantId: string; address: string },
  ): Promise<ValidationResult> {
    return this.scheduler.submit(from.tenantId, from.address, { options, samlResponse, requests });
  }

  onModuleDestroy(): void {
    const shutdown = new ValidatorBusy('the service is shutting down');
    this.scheduler.close(shutdown);
    this.settle((job) => job.reject(shutdown));
    this.restart();
  }

  private runOnWorker(input: ValidationInput): Promise<ValidationResult> {
    return new Promise<ValidationResult>((resolve, reject) => {
      const id = this.nextId++;
      this.current = { id, resolve, reject, timer: null };
      try {
        this.ensureWorker().postMessage({ id, ...input });
        if (this.workerReady) this.startClock();
      } catch (error) {
        this.settle((job) => job.reject(error as Error));
      }
    });
  }

  private startClock(): void {
    if (this.current && !this.current.timer)
      this.current.timer = setTimeout(() => this.timedOut(), TIMEOUT_MS).unref();
  }

  /** Ends the running job (if any) exactly once. */
  private settle(end: (job: Running) => void): void {
    const job = this.current;
    this.current = null;
    if (!job) return;
    if (job.timer) clearTimeout(job.timer);
    end(job);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { passportSaml: require.resolve('@node-saml/passport-saml') },
    });
    worker.unref();
    this.workerReady = false;
    worker.on(
      'message',
      (answer: {
        ready?: true;
        id: number;
        removed: string[];
        profile?: ValidatedProfile;
        error?: Error;
      }) => {
        if (answer.ready) {
          if (this.worker !== worker) return;
          this.workerReady = true;
          return this.startClock();
        }
        if (!this.current || this.current.id !== answer.id) return;
        const error = answer.error
          ? Object.assign(new Error(answer.error.message), { name: answer.error.name })
          : undefined;
        this.settle((job) =>
          job.resolve({ profile: answer.profile ?? null, removed: answer.removed, error }),
        );
      },
    );
    worker.on('error', (error) => this.failed(error));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.settle((job) => job.reject(new Error(`SAML validation worker exited (${code})`)));
    });
    this.worker = worker;
    return worker;
  }

  private timedOut(): void {
    this.logger.warn(`SAML validation took over ${TIMEOUT_MS} ms; replacing the worker`);
    this.restart();
    this.settle((job) => job.reject(new ValidationTimeout(`validation took over ${TIMEOUT_MS} ms`)));
  }

  private failed(error: Error): void {
    this.logger.error({ err: error }, 'SAML validation worker failed');
    this.restart();
    this.settle((job) => job.reject(error));
  }

  private restart(): void {
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
  }
}
