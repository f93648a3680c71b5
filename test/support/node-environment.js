const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

// Jest's node environment, plus a witness for "a worker process has failed to exit gracefully"
// (issue #13). When Jest ends a worker, the worker stops listening for messages and should then exit
// by itself; Jest kills it after 500 ms. If it is still alive 300 ms after that point, this writes
// what keeps it alive (Node's active resources and handles) and which test files the worker ran to
// artifacts/slow-exit/, and the summary reporter prints it. It runs in the worker's own context (an
// environment module is loaded outside the test sandbox), once per worker process.
const SLOW_EXIT_DIR = join('artifacts', 'slow-exit');
const filesRun = [];
let watching = false;

function describeHandle(handle) {
  const name = handle?.constructor?.name ?? typeof handle;
  if (name === 'Socket' || name === 'TLSSocket')
    return `${name} ${handle.remoteAddress ?? handle._pipeName ?? 'pipe/stdio'}:${handle.remotePort ?? ''} fd=${handle._handle?.fd ?? '?'}`;
  if (name === 'ChildProcess') return `ChildProcess pid=${handle.pid} ${handle.spawnfile ?? ''}`;
  if (name === 'Server') return `Server ${JSON.stringify(handle.address?.() ?? null)}`;
  return name;
}

function watchWorkerExit() {
  if (watching || typeof process.send !== 'function') return; // in band: no worker to end
  watching = true;
  const removeListener = process.removeListener;
  process.removeListener = function (event, ...rest) {
    if (event === 'message') {
      const ended = Date.now();
      setTimeout(() => {
        mkdirSync(SLOW_EXIT_DIR, { recursive: true });
        writeFileSync(
          join(SLOW_EXIT_DIR, `worker-${process.pid}.json`),
          `${JSON.stringify(
            {
              msAfterEnd: Date.now() - ended,
              filesRun,
              resources: process.getActiveResourcesInfo(),
              handles: process._getActiveHandles().map(describeHandle),
            },
            null,
            2,
          )}\n`,
        );
      }, 300).unref();
    }
    return removeListener.call(this, event, ...rest);
  };
}

class GroupsyncNodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    filesRun.push(context.testPath.replace(`${process.cwd()}/`, ''));
    watchWorkerExit();
  }
}

module.exports = GroupsyncNodeEnvironment;
