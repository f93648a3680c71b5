import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectOf, ROOT, shardOf } from './shards';

/**
 * Runs the test files of one shard (see shards.js) in this Jest test file, each inside a describe
 * named by its path, so a failure still names its file. Each file's time (its hooks included) goes
 * to artifacts/file-times/, which the summary reporter merges into artifacts/test-times.json.
 */
export function runShard(shardPath: string): void {
  const dialect = /^postgres/.test(process.env.DATABASE_URL ?? '') ? 'postgres' : 'sqlite';
  const shard = shardOf(shardPath, dialect);
  const project = projectOf(shard.kind, dialect);
  const times: Record<string, number> = {};
  for (const file of shard.files)
    describe(file, () => {
      let started = 0;
      beforeAll(() => {
        started = performance.now();
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(join(ROOT, file));
      afterAll(() => {
        times[`${project} ${file}`] = Math.round((performance.now() - started) / 100) / 10;
      });
    });
  afterAll(() => {
    const dir = join(ROOT, 'artifacts', 'file-times');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${project}-${basename(shardPath, '.shard.ts')}.json`), JSON.stringify(times));
  });
}
