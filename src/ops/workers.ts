import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { AllConfigType } from '../config/configuration';
import { PrimaryMetrics } from './cluster-metrics';
import { serveMetrics } from './metrics-port';

/**
 * WORKERS=N on PostgreSQL: this (primary) process serves nothing itself; it forks N workers that share
 * the port (node:cluster hands connections round-robin), replaces one that dies while serving, serves
 * METRICS_PORT for all of them, and on SIGTERM passes the signal on and waits for every worker to
 * finish its in-flight requests. Everything shared lives in PostgreSQL (or Redis), not in a worker.
 */
export function runPrimary(config: AllConfigType, log: Logger): void {
  const count = config.ops.workers;
  const metrics = new PrimaryMetrics();
  metrics.listen();
  const metricsServer = config.ops.metricsPort
    ? serveMetrics(config.ops.metricsPort, () => metrics.text())
    : undefined;
  const serving = new WeakSet<Worker>();
  let stopping = false;

  const fork = () => {
    const worker = cluster.fork();
    worker.once('listening', () => serving.add(worker));
  };
  // Round-robin: the primary accepts and hands each new connection to the next worker. Node's
  // default on Linux, set here so NODE_CLUSTER_SCHED_POLICY=none cannot leave it to the kernel,
  // whose wake-ups favour one busy process. Keep-alive connections stay with their worker.
  cluster.schedulingPolicy = cluster.SCHED_RR;
  log.info({ workers: count, port: config.app.port }, `Starting ${count} worker processes`);
  for (let i = 0; i < count; i++) fork();

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) finish(0);
      return;
    }
    if (!serving.has(worker)) {
      // It never served: the cause (configuration, database) is the same for every worker.
      log.fatal({ worker: worker.process.pid, code, signal }, 'A worker failed to start; stopping');
      stop('worker start-up failure', 1);
      return;
    }
    log.error(
      { worker: worker.process.pid, code, signal },
      'A worker stopped unexpectedly; starting another',
    );
    fork();
  });

  let exitCode = 0;
  const stop = (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    log.info({ reason, workers: workers.length }, 'Stopping the workers');
    if (workers.length === 0) finish(code);
    for (const worker of workers) worker.process.kill('SIGTERM');
    // The workers bound their own wait; this only catches one that hangs past it.
    setTimeout(
      () => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      },
      (config.ops.shutdownTimeoutSeconds + 15) * 1000,
    ).unref();
  };
  const finish = (code: number) => {
    metricsServer?.close();
    log.info({ code: exitCode || code }, 'groupsync stopped');
    process.exit(exitCode || code);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
