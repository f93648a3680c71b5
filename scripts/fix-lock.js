// The npm registry reachable here lacks some other platforms' optional binaries (@swc/core-darwin-*,
// unrs-resolver bindings for Windows, ...), so `npm install` leaves them out of package-lock.json and
// `npm ci` then refuses the lock. This adds the missing entries (version only, marked optional):
// npm ci skips them on platforms they do not fit, and installs them where they do.
// Run after changing dependencies: `node scripts/fix-lock.js`.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const lockPath = path.join(root, 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  if (!key || !entry.optionalDependencies) continue;
  for (const [name, range] of Object.entries(entry.optionalDependencies)) {
    const nested = `${key}/node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    const version = String(range).replace(/^[\^~=]/, '');
    if (!/^\d+\.\d+\.\d+/.test(version)) continue;
    lock.packages[hoisted] = { version, ...(entry.dev ? { dev: true } : {}), optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`fix-lock: added ${added} optional package entr${added === 1 ? 'y' : 'ies'}`);
