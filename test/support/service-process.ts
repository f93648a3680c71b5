import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** These tests run the server as shipped (dist/main.js): build it when missing or older than src/. */
export function ensureServerBuilt(): void {
  const main = join(root, 'dist', 'main.js');
  if (!existsSync(main) || statSync(main).mtimeMs < newest(join(root, 'src')))
    execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
}

export interface ServiceProcess {
  pid: number;
  base: string;
  /** Every stdout line so far, parsed (a line that is not JSON fails the parse: that is the point). */
  lines(): Record<string, unknown>[];
  raw(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  signal(name: NodeJS.Signals): void;
  /** Resolves once GET path answers 200 (or rejects after timeoutMs). */
  waitFor(path: string, timeoutMs?: number): Promise<void>;
}

/** `node dist/main.js` with exactly `env` (plus PATH), stdout and stderr captured. */
export function startServiceProcess(env: Record<string, string>): ServiceProcess {
  const native = process.env.GROUPSYNC_BETTER_SQLITE3;
  const preload = native ? ['-r', join(__dirname, 'native-override.js')] : [];
  const child = spawn(
    process.execPath,
    ['--disable-proto=delete', ...preload, join(root, 'dist', 'main.js')],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        ...(native ? { GROUPSYNC_BETTER_SQLITE3: native } : {}),
        // Made-up OIDC issuers, as in startTestApp; a test that wants the discovery read sets it.
        IDP_DISCOVERY_CHECK: 'false',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const base = `http://127.0.0.1:${env.PORT}`;
  return {
    pid: child.pid!,
    base,
    raw: () => out,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    exited,
    signal: (name) => {
      if (!gone) child.kill(name);
    },
    waitFor: async (path, timeoutMs = 60_000) => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (gone) throw new Error(`the service exited before ${path} answered:\n${out}`);
        const ok = await fetch(`${base}${path}`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`${path} did not answer within ${timeoutMs} ms:\n${out}`);
    },
  };
}
