import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { AppError } from '../common/errors';
import { ConfigError, loadConfig } from '../config/configuration';
import { ConfigDocumentError, readConfigDocument } from './document';
import { dropStartupDocument, referenceEnvironment } from '../config/process-environment';

/**
 * `npm run config -- plan FILE [--prune] [--json]`, `apply FILE [--prune] [--json]`,
 * `export TENANT [--out FILE]` (docs/config-as-code.md). Exit codes: 0 done and (plan) nothing to
 * change, 2 plan with changes pending, 1 error. Boots the application without HTTP on the same
 * DATABASE_URL as the service.
 */
const USAGE = 'usage: config plan|apply FILE [--prune] [--json] | config export TENANT [--out FILE]';

interface Args {
  command: string;
  target: string;
  prune: boolean;
  json: boolean;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const outAt = argv.indexOf('--out');
  const words = argv.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
  const known = new Set(['--prune', '--json', '--out']);
  const unknown = [...flags].filter((f) => !known.has(f));
  if (words.length !== 2 || unknown.length > 0 || !['plan', 'apply', 'export'].includes(words[0]))
    throw new UsageError(unknown.length ? `unknown option ${unknown.join(', ')}\n${USAGE}` : USAGE);
  return {
    command: words[0],
    target: words[1],
    prune: flags.has('--prune'),
    json: flags.has('--json'),
    out: outAt >= 0 ? argv[outAt + 1] : undefined,
  };
}

class UsageError extends Error {}

async function run(args: Args): Promise<number> {
  dropStartupDocument(); // the command applies what it is told, not the start-up document
  loadConfig(); // a bad setting is one clear line before anything starts
  // Loaded after validation: entity column types depend on DATABASE_URL.
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../app.module');
  const { ConfigAsCodeService } = await import('./config-as-code.service');
  const { formatPlan } = await import('./format');
  const spec =
    args.command === 'export'
      ? null
      : readConfigDocument(args.target, readFileSync(args.target, 'utf8'), referenceEnvironment());
  const app = await NestFactory.createApplicationContext(AppModule, {
    logger: ['error'],
    abortOnError: false,
  });
  try {
    const service = app.get(ConfigAsCodeService);
    if (!spec) {
      const text = await service.export(args.target);
      if (args.out) writeFileSync(args.out, text);
      else process.stdout.write(text);
      return 0;
    }
    const plan =
      args.command === 'plan'
        ? await service.plan(spec, args)
        : await service.apply(spec, { prune: args.prune, source: `config ${args.target}` });
    process.stdout.write(
      `${args.json ? JSON.stringify(plan, null, 2) : formatPlan(plan, args.command as 'plan')}\n`,
    );
    return args.command === 'plan' && plan.pending > 0 ? 2 : 0;
  } finally {
    await app.close();
  }
}

function explain(error: unknown): string {
  if (error instanceof ConfigDocumentError || error instanceof UsageError || error instanceof ConfigError)
    return error.message;
  if (error instanceof AppError) return `error: ${error.message}`;
  if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') return `error: ${(error as Error).message}`;
  return `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

run(
  (() => {
    try {
      return parseArgs(process.argv.slice(2));
    } catch (error) {
      process.stderr.write(`${explain(error)}\n`);
      process.exit(1);
    }
  })(),
).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${explain(error)}\n`);
    process.exit(1);
  },
);
