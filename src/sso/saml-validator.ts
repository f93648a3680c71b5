import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { SamlConfig as NodeSamlOptions } from '@node-saml/node-saml';
import { Worker } from 'node:worker_threads';

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
/** More validations waiting than the worker should queue: our capacity, so a 503. */
export class ValidatorBusy extends Error {}

const TIMEOUT_MS = 5_000;
const MAX_QUEUE = 16;

// node-saml in a worker: its request cache answers from the ids the main thread already looked up.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { SAML } = require(workerData.nodeSaml);
parentPort.on('message', async ({ id, options, samlResponse, requests }) => {
  const removed = [];
  const cacheProvider = {
    saveAsync: async () => null,
    getAsync: async (key) => (Object.prototype.hasOwnProperty.call(requests, key) ? requests[key] : null),
    removeAsync: async (key) => { if (key !== null) removed.push(key); return key; },
  };
  try {
    const { profile } = await new SAML({ ...options, cacheProvider }).validatePostResponseAsync({ SAMLResponse: samlResponse });
    const plain = profile && {
      nameID: profile.nameID,
      attributes: JSON.parse(JSON.stringify(profile.attributes || {})),
      assertion: profile.getAssertion ? JSON.parse(JSON.stringify(profile.getAssertion())) : undefined,
    };
    parentPort.postMessage({ id, removed, profile: plain });
  } catch (e) {
    parentPort.postMessage({ id, removed, error: { name: (e && e.name) || 'Error', message: String((e && e.message) || e) } });
  }
});`;

interface Job {
  id: number;
  message: object;
  resolve: (result: ValidationResult) => void;
  reject: (error: Error) => void;
}

/**
 * SAML response validation (DOM, XPath, canonicalization, RSA) off the event loop. xml-crypto's
 * reference lookups grow faster than linearly with the elements of a response, so even a response
 * within the pre-check's limits can cost a second of CPU: here it costs a worker's time, not every
 * tenant's. One worker per process, jobs in order, each bounded by a timeout.
 */
@Injectable()
export class SamlValidator implements OnModuleDestroy {
  private readonly logger = new Logger('SamlValidator');
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;

  validate(options: Partial<NodeSamlOptions>, samlResponse: string, requests: Record<string, string>) {
    if (this.queue.length >= MAX_QUEUE)
      return Promise.reject(new ValidatorBusy('SAML validation queue is full'));
    return new Promise<ValidationResult>((resolve, reject) => {
      const id = this.nextId++;
      this.queue.push({ id, message: { id, options, samlResponse, requests }, resolve, reject });
      this.pump();
    });
  }

  onModuleDestroy(): void {
    if (this.current) clearTimeout(this.current.timer);
    for (const job of [...(this.current ? [this.current.job] : []), ...this.queue.splice(0)])
      job.reject(new ValidatorBusy('the service is shutting down'));
    this.current = null;
    this.restart();
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    const timer = setTimeout(() => this.timedOut(job), TIMEOUT_MS).unref();
    this.current = { job, timer };
    this.ensureWorker().postMessage(job.message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { nodeSaml: require.resolve('@node-saml/node-saml') },
    });
    worker.unref();
    worker.on(
      'message',
      (answer: { id: number; removed: string[]; profile?: ValidatedProfile; error?: Error }) => {
        if (!this.current || this.current.job.id !== answer.id) return;
        const { job, timer } = this.current;
        clearTimeout(timer);
        this.current = null;
        const error = answer.error
          ? Object.assign(new Error(answer.error.message), { name: answer.error.name })
          : undefined;
        job.resolve({ profile: answer.profile ?? null, removed: answer.removed, error });
        this.pump();
      },
    );
    worker.on('error', (error) => this.failed(error));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
    });
    this.worker = worker;
    return worker;
  }

  private timedOut(job: Job): void {
    this.logger.warn(`SAML validation took over ${TIMEOUT_MS} ms; replacing the worker`);
    this.restart();
    job.reject(new ValidationTimeout(`validation took over ${TIMEOUT_MS} ms`));
    this.current = null;
    this.pump();
  }

  private failed(error: Error): void {
    this.logger.error({ err: error }, 'SAML validation worker failed');
    const current = this.current;
    this.current = null;
    if (current) {
      clearTimeout(current.timer);
      current.job.reject(error);
    }
    this.restart();
    this.pump();
  }

  private restart(): void {
    const worker = this.worker;
    this.worker = null;
    void worker?.terminate();
  }
}
