// Admin UI benchmark (a measurement, not a test): how long until the links of a group with 1,000
// links are on screen and usable in chromium, from navigation start; and the first page's gzipped
// size. Needs a build (npm run build) and /usr/bin/chromium. Run: node bench/admin-ui.bench.js
const { spawn } = require('node:child_process');
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');
const { chromium } = require('playwright-core');

const root = join(__dirname, '..');
const LINKS = Number(process.env.LINKS || 1000);
const ROUNDS = Number(process.env.ROUNDS || 5);

function firstPageGzip() {
  const html = readFileSync(join(root, 'web', 'dist', 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/admin\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  let total = gzipSync(html).length;
  const parts = { 'index.html': total };
  for (const a of assets) {
    const size = gzipSync(readFileSync(join(root, 'web', 'dist', a))).length;
    parts[a] = size;
    total += size;
  }
  return { total, parts, files: readdirSync(join(root, 'web', 'dist', 'assets')).length };
}

async function main() {
  const size = firstPageGzip();
  console.log(`first page, gzipped: ${(size.total / 1024).toFixed(1)} KiB`, size.parts);

  const dir = mkdtempSync(join(tmpdir(), 'gs-bench-ui-'));
  const port = 3000 + Math.floor(Math.random() * 2000) + 2000;
  const base = `http://127.0.0.1:${port}`;
  const token = 'bench-operator-token-0123456789abcdef';
  const child = spawn(process.execPath, [join(root, 'dist', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      PUBLIC_URL: base,
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      ADMIN_TOKEN: token,
      LOG_LEVEL: 'warn',
    },
    stdio: 'inherit',
  });
  const api = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  };
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 300) throw new Error('service did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    await api('POST', '/api/v1/tenants', { slug: 'bench', name: 'Bench' });
    const group = await api('POST', '/api/v1/tenants/bench/groups', { name: 'Big' });
    for (let i = 0; i < LINKS; i += 50)
      await Promise.all(
        Array.from({ length: Math.min(50, LINKS - i) }, (_, j) =>
          api('POST', `/api/v1/tenants/bench/groups/${group.id}/links`, {
            externalGroup: `ext-group-${i + j}`,
            role: 'developer',
          }),
        ),
      );

    const profile = mkdtempSync(join(tmpdir(), 'gs-bench-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = context.pages()[0];
    await page.goto(`${base}/admin/`);
    await page.getByLabel('Operator token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Workspaces', exact: true }).waitFor();
    const times = [];
    const lists = [];
    const finds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = Date.now();
      await page.goto(`${base}/admin/t/bench/groups/${group.id}?tab=links`);
      // Interactive: the list is there and a row's button answers a click (opens the delete preview).
      await page.getByTestId('link-row').first().waitFor();
      const listed = Date.now() - t0;
      await page.getByRole('button', { name: 'Delete link ext-group-0', exact: true }).click();
      await page.getByTestId('impact-preview').waitFor();
      times.push(Date.now() - t0);
      // Reaching the last of the 1,000 through "Find a link".
      const t1 = Date.now();
      await page.getByLabel(/Find a link/).fill(`ext-group-${LINKS - 1}`);
      await page.getByRole('button', { name: `Delete link ext-group-${LINKS - 1}`, exact: true }).waitFor();
      finds.push(Date.now() - t1);
      lists.push(listed);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `links page of a group with ${LINKS} links (first ${100} rendered), ms from navigation start:`,
    );
    console.log(`  list on screen: median ${median(lists)} (${lists.join(', ')})`);
    console.log(
      `  a row's delete button answered (dry-run preview shown): median ${median(times)} (${times.join(', ')})`,
    );
    console.log(`  find the last link by typing its name: median ${median(finds)} (${finds.join(', ')})`);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
