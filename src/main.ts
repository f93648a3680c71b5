import 'reflect-metadata';
import { assertCleanPrototype } from './common/safe-input';
import { ConfigError, loadConfig } from './config/configuration';

async function main(): Promise<void> {
  // Validate the environment before anything loads, so a bad setting is one clear line.
  let port: number;
  try {
    port = loadConfig(process.env).app.port;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Loaded after validation: entity column types depend on DATABASE_URL.
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('./app.module');
  const { configureApp } = await import('./bootstrap');
  const app = await NestFactory.create(AppModule, {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
  });
  configureApp(app);
  // Every module is loaded now: a dependency (or anything before us) that polluted Object.prototype
  // would make TypeORM and others misbehave for every tenant, so refuse to serve at all.
  assertCleanPrototype();
  await app.listen(port);
  const publicUrl = loadConfig(process.env).app.publicUrl;
  process.stdout.write(
    `groupsync listening on port ${port} (${publicUrl}); API docs at ${publicUrl}/api/docs\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `groupsync failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
