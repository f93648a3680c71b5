/**
 * Who waits for the one SAML validation worker, and in what order. One queue per tenant, served
 * round-robin, so a tenant flooded with heavy responses delays other tenants by one job at most;
 * caps per tenant, per client address and in total keep the waiting bounded. Pure: `run` does the
 * work (the worker in production, a fake in the spec), one job at a time.
 */

export interface ValidationQueueLimits {
  /** Jobs of one tenant waiting at once (beyond it: that tenant gets 503, the others go on). */
  perTenant: number;
  /** Jobs of one client address waiting or running at once (beyond it: 429). */
  perAddress: number;
  /** Jobs waiting at once, all tenants together (beyond it: 503). */
  total: number;
}

const DEFAULT_VALIDATION_QUEUE_LIMITS: ValidationQueueLimits = {
  perTenant: 8,
  perAddress: 4,
  total: 32,
};

/** Our capacity (a tenant's share or the total) is used up: a 503 for this request. */
export class ValidatorBusy extends Error {}
/** One client address has enough validations in progress: a 429 for this request. */
export class ValidatorAddressBusy extends Error {}

interface Pending<T, R> {
  input: T;
  address: string;
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

export class ValidationScheduler<T, R> {
  /** Waiting jobs per tenant, oldest first; a tenant is here only while it has some. */
  private readonly queues = new Map<string, Pending<T, R>[]>();
  /** Tenants with waiting jobs, in the order they get their next turn. */
  private readonly turns: string[] = [];
  /** Jobs waiting or running per client address. */
  private readonly perAddress = new Map<string, number>();
  private waiting = 0;
  private running = false;

  constructor(
    private readonly run: (input: T) => Promise<R>,
    private readonly limits: ValidationQueueLimits = DEFAULT_VALIDATION_QUEUE_LIMITS,
  ) {}

  submit(tenant: string, address: string, input: T): Promise<R> {
    const ofAddress = this.perAddress.get(address) ?? 0;
    if (ofAddress >= this.limits.perAddress)
      return Promise.reject(new ValidatorAddressBusy(`${ofAddress} validations of this address in progress`));
    const queue = this.queues.get(tenant) ?? [];
    if (queue.length >= this.limits.perTenant)
      return Promise.reject(new ValidatorBusy(`${queue.length} validations of this tenant waiting`));
    if (this.waiting >= this.limits.total)
      return Promise.reject(new ValidatorBusy(`${this.waiting} validations waiting`));
    return new Promise<R>((resolve, reject) => {
      if (queue.length === 0) {
        this.queues.set(tenant, queue);
        this.turns.push(tenant);
      }
      queue.push({ input, address, resolve, reject });
      this.waiting++;
      this.perAddress.set(address, ofAddress + 1);
      this.next();
    });
  }

  /** Refuses every waiting job (shutdown); the running one ends on its own. */
  close(error: Error): void {
    for (const queue of this.queues.values())
      for (const job of queue) {
        this.release(job.address);
        job.reject(error);
      }
    this.queues.clear();
    this.turns.length = 0;
    this.waiting = 0;
  }

  private next(): void {
    if (this.running) return;
    const tenant = this.turns.shift();
    if (tenant === undefined) return;
    const queue = this.queues.get(tenant)!;
    const job = queue.shift()!;
    if (queue.length > 0) this.turns.push(tenant);
    else this.queues.delete(tenant);
    this.waiting--;
    this.running = true;
    let work: Promise<R>;
    try {
      work = this.run(job.input);
    } catch (error) {
      work = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    work.then(job.resolve, job.reject).finally(() => {
      this.release(job.address);
      this.running = false;
      this.next();
    });
  }

  private release(address: string): void {
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }
}
