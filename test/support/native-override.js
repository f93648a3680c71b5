// CI's second Node version (.ci/run): better-sqlite3 is a native module built per Node ABI, so that
// run loads a copy built for its Node (GROUPSYNC_BETTER_SQLITE3) and leaves node_modules as it is.
// Preloaded (-r) into the service processes the tests spawn; Jest itself maps the module instead.
const Module = require('node:module');

const target = process.env.GROUPSYNC_BETTER_SQLITE3;
if (target) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, request === 'better-sqlite3' ? target : request, ...rest);
  };
}
