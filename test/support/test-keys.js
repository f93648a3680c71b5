// Test RSA keys, made once per machine and reused. Plain JavaScript so `npm run bench` shares them
// with the tests; types in test-keys.d.ts.
const { generateKeyPairSync } = require('node:crypto');
const { existsSync, mkdirSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

// RSA keys made once per machine and reused (in the temp folder, like the migrated test databases):
// making a 2048-bit key took 0.2 to 0.6 s of CPU, once per test IdP, 20 times per suite run.
const KEY_POOL = join(tmpdir(), 'groupsync-test-keys');
let keysTaken = 0;

/** The pool's next RSA key (PEM), made and saved the first time; each call in a process gets another one. */
function pooledKey() {
  const file = join(KEY_POOL, `key-${keysTaken++}.pem`);
  if (!existsSync(file)) {
    mkdirSync(KEY_POOL, { recursive: true });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // Written under another name and renamed, so a process never reads a half-written key.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    renameSync(partial, file);
  }
  return file;
}

module.exports = { pooledKey };
