import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'groupsync:metrics-request';
const RESPONSE = 'groupsync:metrics-response';

interface MetricsMessage {
  type: string;
  id: string;
  body?: string;
  error?: string;
}

/**
 * With WORKERS>1 a scrape lands on one worker: its answer must cover all of them. The worker asks
 * the primary, which gathers every worker's registry (prom-client's AggregatorRegistry) and replies.
 */
export function workerMetricsText(registry: Registry): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics();
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error('the primary process did not answer the metrics request'));
    }, 5000);
    const onMessage = (message: MetricsMessage) => {
      if (message?.type !== RESPONSE || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (message.error) reject(new Error(message.error));
      else resolve(message.body ?? '');
    };
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id });
  });
}

/** The primary's half: answers workers' requests, and serves the METRICS_PORT scrape itself. */
export class PrimaryMetrics {
  private readonly aggregator = new AggregatorRegistry();

  listen(): void {
    cluster.on('message', (worker, message: MetricsMessage) => {
      if (message?.type !== REQUEST) return;
      this.text().then(
        (body) => worker.send({ type: RESPONSE, id: message.id, body }),
        (error: Error) => worker.send({ type: RESPONSE, id: message.id, error: error.message }),
      );
    });
  }

  text(): Promise<string> {
    return this.aggregator.clusterMetrics();
  }
}

/** Marks the worker side ready for the primary's aggregation (prom-client listens in workers). */
export function registerWorkerRegistry(registry: Registry): void {
  if (!cluster.isWorker) return;
  // Constructing one installs prom-client's worker-side listener (setRegistries alone does not).
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}
