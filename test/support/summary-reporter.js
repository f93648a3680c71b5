const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

// Where each shard (test/support/shards.js) writes the times of the files it ran.
const FILE_TIMES = join('artifacts', 'file-times');
// What each worker had when it exited, and what kept a slow one alive (node-environment.js).
const SLOW_EXIT = join('artifacts', 'slow-exit');

// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI reads, and before it
// the slowest test files of the run (where CI time goes; see docs/testing.md). Every file's time is
// also written to artifacts/test-times.json, the format of test/support/test-times.json, which orders
// a clean clone's run (test/support/test-sequencer.js). The files a shard ran are listed one by one,
// and their times decide the next run's shards.
class SummaryReporter {
  onRunStart() {
    rmSync(FILE_TIMES, { recursive: true, force: true });
    rmSync(SLOW_EXIT, { recursive: true, force: true });
  }

  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } =
      results;
    const files = results.testResults
      .map((r) => ({
        file: r.testFilePath.replace(`${process.cwd()}/`, ''),
        project: r.displayName?.name ?? '',
        s: (r.perfStats.end - r.perfStats.start) / 1000,
      }))
      .filter((f) => f.s > 0);
    for (const name of existsSync(FILE_TIMES) ? readdirSync(FILE_TIMES) : [])
      for (const [key, s] of Object.entries(JSON.parse(readFileSync(join(FILE_TIMES, name), 'utf8')))) {
        const [project, file] = key.split(' ');
        files.push({ file, project, s, inShard: true });
      }
    files.sort((a, b) => b.s - a.s);
    if (files.length > 5) {
      // A shard's time already holds its files' times.
      const run = files.filter((f) => !f.inShard);
      const total = run.reduce((sum, f) => sum + f.s, 0);
      process.stdout.write(
        `\nslowest test files (of ${run.length} run, ${Math.round(total)} s in all, summed over workers; a shard's files also listed):\n`,
      );
      for (const f of files.slice(0, 12))
        process.stdout.write(`  ${f.s.toFixed(1).padStart(6)} s  ${f.project.padEnd(18)} ${f.file}\n`);
      const times = Object.fromEntries(
        files.map((f) => [`${f.project} ${f.file}`, Math.round(f.s * 10) / 10]),
      );
      // Merged into the file an earlier run wrote (CI runs Jest twice, once per Node version).
      const path = join('artifacts', 'test-times.json');
      const earlier = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
      mkdirSync('artifacts', { recursive: true });
      writeFileSync(path, `${JSON.stringify({ ...earlier, ...times }, null, 2)}\n`);
    }
    const exits = existsSync(SLOW_EXIT) ? readdirSync(SLOW_EXIT) : [];
    if (exits.length)
      process.stdout.write("\nworkers ending (ms from Jest's end to their exit event, heap, threads):\n");
    for (const name of exits) {
      const text = readFileSync(join(SLOW_EXIT, name), 'utf8');
      const record = JSON.parse(text);
      process.stdout.write(
        `  ${name}: ${record.msAfterEnd} ms, ${record.heapMB ?? '?'} MB, ${record.threads.length} thread(s), ${record.filesRun.length} file(s)\n`,
      );
      if (name.startsWith('alive-') || record.msAfterEnd > 100) process.stdout.write(text);
    }
    if (numRuntimeErrorTestSuites > 0) {
      process.stdout.write(`\n${numRuntimeErrorTestSuites} test file(s) failed to run\n`);
    }
    const failed = numFailedTests + numRuntimeErrorTestSuites;
    process.stdout.write(
      `\njest: ${numPassedTests} passed, ${failed} failed, ${numPendingTests + numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
