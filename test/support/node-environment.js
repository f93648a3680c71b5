const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

// Jest's node environment, plus a witness for "a worker process has failed to exit gracefully"
// (issue #13). When Jest ends a worker, the worker stops listening for messages and should then exit
// by itself; Jest kills it after 500 ms. This writes to artifacts/slow-exit/ what each worker still
// had when it began to exit ('exit' event: Node's active resources, worker threads still running,
// its heap, how long after Jest's end), and, if it is still running 300 ms after the end, what keeps
// its event loop alive. The summary reporter prints one line per worker, and the whole record of a
// worker that took over 100 ms to reach 'exit' or was still running. (Node frees the whole heap
// after 'exit' when a process ends by itself: a large heap on a busy machine may be the slow part.) It runs in the worker's own context (an environment module is loaded outside the
// test sandbox), once per worker process.
const SLOW_EXIT_DIR = join('artifacts', 'slow-exit');
const filesRun = [];
const threads = new Set();
let watching = false;

function describeHandle(handle) {
  const name = handle?.constructor?.name ?? typeof handle;
  if (name === 'Socket' || name === 'TLSSocket')
    return `${name} ${handle.remoteAddress ?? handle._pipeName ?? 'pipe/stdio'}:${handle.remotePort ?? ''} fd=${handle._handle?.fd ?? '?'}`;
  if (name === 'ChildProcess') return `ChildProcess pid=${handle.pid} ${handle.spawnfile ?? ''}`;
  if (name === 'Server') return `Server ${JSON.stringify(handle.address?.() ?? null)}`;
  return name;
}

// Worker threads the tests start (the SAML validator, the SQLite checkpointer): a thread still
// running when the process exits must be stopped by Node's teardown, which waits for it.
function trackThreads() {
  const workerThreads = require('node:worker_threads');
  const Original = workerThreads.Worker;
  workerThreads.Worker = class TrackedWorker extends Original {
    constructor(source, options) {
      super(source, options);
      const label = options?.eval ? String(source).trim().slice(0, 80).replace(/\s+/g, ' ') : String(source);
      const entry = { label, since: Date.now() };
      threads.add(entry);
      this.once('exit', () => threads.delete(entry));
    }
  };
}

function record(name, ended, extra) {
  mkdirSync(SLOW_EXIT_DIR, { recursive: true });
  writeFileSync(
    join(SLOW_EXIT_DIR, `${name}-${process.pid}.json`),
    `${JSON.stringify(
      {
        msAfterEnd: Date.now() - ended,
        filesRun,
        resources: process.getActiveResourcesInfo(),
        threads: [...threads].map((t) => t.label),
        ...extra,
      },
      null,
      2,
    )}\n`,
  );
}

function watchWorkerExit() {
  if (watching || typeof process.send !== 'function') return; // in band: no worker to end
  watching = true;
  trackThreads();
  const removeListener = process.removeListener;
  process.removeListener = function (event, ...rest) {
    if (event === 'message') {
      const ended = Date.now();
      process.once('exit', () =>
        record('exit', ended, { heapMB: Math.round(process.memoryUsage().heapUsed / 1048576) }),
      );
      setTimeout(
        () => record('alive', ended, { handles: process._getActiveHandles().map(describeHandle) }),
        300,
      ).unref();
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
