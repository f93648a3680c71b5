import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
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

/** The browser test drives the service as shipped: build it when the build is missing or older than its sources. */
export function ensureBuilt(): void {
  const server = join(root, 'dist', 'main.js');
  const web = join(root, 'web', 'dist', 'index.html');
  const stale =
    !existsSync(server) ||
    !existsSync(web) ||
    statSync(server).mtimeMs < newest(join(root, 'src')) ||
    statSync(web).mtimeMs <
      Math.max(newest(join(root, 'web', 'src')), statSync(join(root, 'web', 'index.html')).mtimeMs);
  // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
  if (stale)
    execFileSync('npm', ['run', 'build'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
}

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

export interface RunningService {
  base: string;
  token: string;
  stop(): Promise<void>;
  log(): string;
}

/** `node dist/main.js` on a throwaway SQLite file with the development IdP; `env` adds or overrides settings. */
export async function startService(env: Record<string, string> = {}): Promise<RunningService> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const token = 'browser-test-operator-token-0123456789';
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [join(root, 'dist', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      PUBLIC_URL: base,
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      ADMIN_TOKEN: token,
      DEV_IDP: 'true',
      DEV_IDP_KEY_FILE: join(dir, 'dev-idp.pem'),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // A start-up wait, not a speed check: generous, since a loaded CI machine starts slowly.
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`service did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    token,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
