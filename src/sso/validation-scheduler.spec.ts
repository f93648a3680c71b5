import { ValidationScheduler, ValidatorAddressBusy, ValidatorBusy } from './validation-scheduler';

/** A fake worker: records what it runs and lets the test finish each job. */
function fakeRun() {
  const started: string[] = [];
  const finishers: ((fail?: Error) => void)[] = [];
  const run = (input: string) =>
    new Promise<string>((resolve, reject) => {
      started.push(input);
      finishers.push((fail) => (fail ? reject(fail) : resolve(`done ${input}`)));
    });
  /** Finishes the running job and lets the scheduler start the next one. */
  const finish = async (fail?: Error) => {
    finishers.shift()!(fail);
    await new Promise((r) => setImmediate(r));
  };
  return { run, started, finish };
}

const limits = { perTenant: 3, perAddress: 2, total: 5 };
let address = 0;
const fresh = () => `10.0.0.${++address}`;

describe('ValidationScheduler', () => {
  it('runs one job at a time and serves tenants round-robin, not in arrival order', async () => {
    const fake = fakeRun();
    const scheduler = new ValidationScheduler(fake.run, { ...limits, perAddress: 10 });
    const results = ['a1', 'a2', 'a3', 'a4'].map((job) => scheduler.submit('A', fresh(), job));
    const b = scheduler.submit('B', fresh(), 'b1');
    const c = scheduler.submit('C', fresh(), 'c1');
    expect(fake.started).toEqual(['a1']);
    while (fake.started.length < 6) await fake.finish();
    // B and C arrived behind three of A's jobs, yet each waited for one of A's jobs only.
    expect(fake.started).toEqual(['a1', 'a2', 'b1', 'c1', 'a3', 'a4']);
    await fake.finish();
    await expect(Promise.all([...results, b, c])).resolves.toHaveLength(6);
  });

  it('a full tenant gets ValidatorBusy for itself while another tenant is still accepted and goes next', async () => {
    const fake = fakeRun();
    const scheduler = new ValidationScheduler(fake.run, { ...limits, perAddress: 10 });
    const accepted = ['a1', 'a2', 'a3', 'a4'].map((job) => scheduler.submit('A', fresh(), job)); // 1 running, 3 waiting
    await expect(scheduler.submit('A', fresh(), 'a5')).rejects.toBeInstanceOf(ValidatorBusy);
    const b = scheduler.submit('B', fresh(), 'b1');
    await fake.finish();
    expect(fake.started).toEqual(['a1', 'a2']);
    await fake.finish();
    expect(fake.started).toEqual(['a1', 'a2', 'b1']);
    while (fake.started.length < 5) await fake.finish();
    await fake.finish();
    await expect(Promise.all([...accepted, b])).resolves.toHaveLength(5);
  });

  it('caps what one address has waiting or running (ValidatorAddressBusy), and frees it when a job ends', async () => {
    const fake = fakeRun();
    const scheduler = new ValidationScheduler(fake.run, limits);
    const ip = fresh();
    const first = scheduler.submit('A', ip, 'x1');
    const second = scheduler.submit('B', ip, 'x2');
    await expect(scheduler.submit('C', ip, 'x3')).rejects.toBeInstanceOf(ValidatorAddressBusy);
    const other = scheduler.submit('A', fresh(), 'y1'); // another address of the same tenant is fine
    await fake.finish();
    await expect(first).resolves.toBe('done x1');
    const third = scheduler.submit('C', ip, 'x3');
    while (fake.started.length < 4) await fake.finish();
    await fake.finish();
    await expect(Promise.all([second, other, third])).resolves.toEqual(['done x2', 'done y1', 'done x3']);
  });

  it('caps the waiting jobs of all tenants together', async () => {
    const fake = fakeRun();
    const scheduler = new ValidationScheduler(fake.run, limits);
    const jobs = ['t1', 't2', 't3', 't4', 't5', 't6'].map((tenant) =>
      scheduler.submit(tenant, fresh(), tenant),
    );
    await expect(scheduler.submit('t7', fresh(), 't7')).rejects.toBeInstanceOf(ValidatorBusy);
    while (fake.started.length < 6) await fake.finish();
    await fake.finish();
    await expect(Promise.all(jobs)).resolves.toHaveLength(6);
  });

  it('a failing or throwing run rejects that job only; the next one runs and the address is freed', async () => {
    const started: string[] = [];
    const scheduler = new ValidationScheduler<string, string>((input) => {
      started.push(input);
      if (input === 'throws') throw new Error('sync failure');
      return input === 'rejects' ? Promise.reject(new Error('worker died')) : Promise.resolve(input);
    }, limits);
    const ip = fresh();
    const results = await Promise.allSettled([
      scheduler.submit('A', ip, 'throws'),
      scheduler.submit('A', ip, 'rejects'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await new Promise((r) => setImmediate(r));
    await expect(scheduler.submit('A', ip, 'fine')).resolves.toBe('fine');
    expect(started).toEqual(['throws', 'rejects', 'fine']);
  });

  it('close() refuses the waiting jobs', async () => {
    const fake = fakeRun();
    const scheduler = new ValidationScheduler(fake.run, limits);
    const running = scheduler.submit('A', fresh(), 'a1');
    const waiting = scheduler.submit('B', fresh(), 'b1');
    scheduler.close(new ValidatorBusy('shutting down'));
    await expect(waiting).rejects.toBeInstanceOf(ValidatorBusy);
    await fake.finish();
    await expect(running).resolves.toBe('done a1');
    expect(fake.started).toEqual(['a1']);
  });
});
