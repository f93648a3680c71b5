import 'reflect-metadata';
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { assertCleanPrototype } from './common/safe-input';
import { type AllConfigType, ConfigError, loadConfig } from './config/configuration';
import { causeOf, createProcessLogger, JsonNestLogger } from './ops/json-logger';
import { runPrimary } from './ops/workers';

async function main(): Promise<void> {
  // Validate the environment before anything loads, so a bad setting is one clear line.
  let config: AllConfigType;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      createProcessLogger({ stderr: true }).fatal(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createProcessLogger({ level: config.app.logLevel, file: config.app.logFile });
  process.on('uncaughtException', (error) => {
    log.fatal({ cause: causeOf(error), stack: error.stack }, 'Uncaught exception; stopping');
    process.exit(1);
  });
  const postgres = /^postgres(ql)?:/i.test(config.database.url ?? '');
  if (config.ops.workers > 1 && !postgres) {
    log.warn(
      { workers: config.ops.workers },
      'WORKERS is ignored on SQLite: one process serves a SQLite database (use PostgreSQL for several)',
    );
  } else if (config.ops.workers > 1 && cluster.isPrimary) {
    runPrimary(config, log);
    return;
  }
  try {
    await serve(config, log);
  } catch (error) {
    log.fatal({ cause: causeOf(error) }, `groupsync failed to start: ${causeOf(error)}`);
    process.exit(1);
  }
}

async function serve(config: AllConfigType, log: Logger): Promise<void> {
  // Loaded after validation: entity column types depend on DATABASE_URL.
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('./app.module');
  const { configureApp } = await import('./bootstrap');
  const { ShutdownDrain } = await import('./ops/drain');
  // JSON from the first line: Nest logs through pino until nestjs-pino takes over in configureApp.
  const app = await NestFactory.create(AppModule, {
    bodyParser: false,
    logger: new JsonNestLogger(log),
    abortOnError: false,
  });
  configureApp(app);
  // Every module is loaded now: a dependency (or anything before us) that polluted Object.prototype
  // would make TypeORM and others misbehave for every tenant, so refuse to serve at all.
  assertCleanPrototype();
  // Idle kept-alive connections outlive the clients' and load balancers' own idle timeouts, so
  // they close first (HTTP_KEEP_ALIVE_SECONDS); the wait for a request's headers is longer still.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = config.ops.keepAliveSeconds * 1000;
  server.headersTimeout = Math.max(60_000, server.keepAliveTimeout + 1000);
  await app.listen(config.app.port);
  const { port, publicUrl } = config.app;
  log.info(
    { port, publicUrl },
    `groupsync listening on port ${port} (${publicUrl}); API docs at ${publicUrl}/api/docs`,
  );

  const drain = app.get(ShutdownDrain);
  const timeoutMs = config.ops.shutdownTimeoutSeconds * 1000;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    drain.begin(); // readiness answers 503 from now on
    log.info(
      { signal, inFlight: drain.active, timeoutSeconds: timeoutMs / 1000 },
      'Shutting down: no new connections, finishing in-flight requests',
    );
    server.close();
    server.closeIdleConnections();
    const drained = await drain.waitIdle(timeoutMs);
    if (!drained)
      log.warn({ inFlight: drain.active }, 'Shutdown timeout reached: cutting the remaining requests');
    server.closeAllConnections();
    await app.close(); // module hooks: timers stop, the database pool closes
    log.info({ signal, drained, seconds: (Date.now() - started) / 1000 }, 'groupsync stopped');
    process.exit(0);
  };
  const onSignal = (signal: string) =>
    void stop(signal).catch((error: unknown) => {
      log.error({ cause: causeOf(error) }, 'Shutdown failed');
      process.exit(1);
    });
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
}

main().catch((error: unknown) => {
  createProcessLogger({ stderr: true }).fatal(
    { cause: causeOf(error) },
    `groupsync failed to start: ${causeOf(error)}`,
  );
  process.exit(1);
});
