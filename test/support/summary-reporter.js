// Prints one plain closing line ("jest: N passed, N failed, N skipped") that CI reads, and before it
// the slowest test files of the run (where CI time goes; see docs/testing.md).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } =
      results;
    const files = results.testResults
      .map((r) => ({
        file: r.testFilePath.replace(`${process.cwd()}/`, ''),
        project: r.displayName?.name ?? '',
        s: (r.perfStats.end - r.perfStats.start) / 1000,
      }))
      .filter((f) => f.s > 0)
      .sort((a, b) => b.s - a.s);
    if (files.length > 5) {
      const total = files.reduce((sum, f) => sum + f.s, 0);
      process.stdout.write(
        `\nslowest test files (of ${files.length}, ${Math.round(total)} s in all, summed over workers):\n`,
      );
      for (const f of files.slice(0, 12))
        process.stdout.write(`  ${f.s.toFixed(1).padStart(6)} s  ${f.project.padEnd(18)} ${f.file}\n`);
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
