const Sequencer = require('@jest/test-sequencer').default;

// Longest files first, so Jest's two workers finish together. Jest's own sequencer orders by the
// durations it cached on earlier runs; a clean clone (CI) has no cache and falls back to file size,
// which started the browser files and the fuzz test late. This one takes the cached duration when
// there is one, else the file's time in test-times.json (seconds, from a CI run; refresh it from the
// artifacts/test-times.json that `npm test` writes, see docs/testing.md). Failed files still go first.
const KNOWN_SECONDS = require('./test-times.json');
const { shardEstimate } = require('./shards');

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    // A shard (test/support/shards.js) is expected to take its files' times.
    const known = (test) => {
      const project = test.context.config.displayName?.name;
      return shardEstimate(project, relative(test), KNOWN_SECONDS) ?? KNOWN_SECONDS[`${project} ${relative(test)}`] ?? 0;
    };
    const estimate = (test) => this.time(test) ?? known(test) * 1000;
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    for (const test of tests) test.duration = this.time(test);
    return tests.sort(
      (a, b) =>
        Number(this.hasFailed(b)) - Number(this.hasFailed(a)) ||
        estimate(b) - estimate(a) ||
        size(b) - size(a),
    );
  }
}

const relative = (test) => test.path.slice(test.context.config.rootDir.length + 1);

module.exports = SlowFirstSequencer;
