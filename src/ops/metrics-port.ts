import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { AllConfigType } from '../config/configuration';
import { MetricsService } from './metrics.service';

/**
 * METRICS_PORT: /metrics without a token on a port of its own, for a scraper on a private network.
 * With several workers the primary process serves it (one answer for all of them; see workers.ts).
 */
@Injectable()
export class MetricsPortServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
    private readonly config: ConfigService<AllConfigType, true>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.get('ops.metricsPort', { infer: true });
    if (!port || cluster.isWorker) return;
    this.server = serveMetrics(port, () => this.metrics.registry.metrics());
    await new Promise<void>((resolve) => this.server!.once('listening', resolve));
    new Logger('Metrics').log(`Serving /metrics on port ${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}

export function serveMetrics(port: number, text: () => Promise<string>): Server {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    text().then(
      (body) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body),
      (error: Error) => res.writeHead(500).end(`metrics unavailable: ${error.message}`),
    );
  });
  server.listen(port);
  return server;
}
