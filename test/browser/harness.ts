import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';
import { ensureBuilt, startService, type RunningService } from './service';
import { CHROMIUM_OPTIONS, sharedRun } from './shared-run';

// Shared by the browser tests: Debian's chromium against the real built service (SQLite, development
// IdP). Every page gets a screenshot in artifacts/browser/ and an axe-core scan; any console error or
// CSP violation fails the test.
// One service and one Chromium serve every browser file of a Jest run (global-setup.ts): each file
// works in workspaces of its own (distinct slugs) and in browser contexts of its own. A file that
// needs an empty service or other settings asks for its own (`useService({ own: true, env })`).
// One folder per test file: jest runs the browser files in parallel, and each clears its own at start.
let ARTIFACTS = join(__dirname, '..', '..', 'artifacts', 'browser');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export let service: RunningService;
let chromiumBrowser: Browser | undefined;
const contexts: BrowserContext[] = [];
export const problems: string[] = [];
/**
 * The browser logs a refused request as a console error; a step that provokes one (a wrong token, a
 * 409 the page explains) says how many it expects of which status, and only those are forgiven.
 */
const expectedRefusals = new Map<number, number>();
export const expectRefusals = (status: number, n: number) => {
  expectedRefusals.set(status, n);
};
export const pendingRefusals = (status: number) => expectedRefusals.get(status) ?? 0;
export const expect401 = (n: number) => expectRefusals(401, n);
export const pending401 = () => pendingRefusals(401);

/** A new page in a browser context of its own (its own cookies: one signed-in person each). */
export async function browser(): Promise<Page> {
  if (!chromiumBrowser) throw new Error('browser() needs useService() in the test file, outside its tests');
  const context = await chromiumBrowser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  // Only the admin UI's pages count (not the development IdP's).
  page.on('console', (m) => {
    if (m.type() !== 'error' || !page.url().startsWith(`${service.base}/admin`)) return;
    const refused = /status of (\d{3})/.exec(m.text());
    const status = refused ? Number(refused[1]) : 0;
    if (pendingRefusals(status) > 0) return void expectedRefusals.set(status, pendingRefusals(status) - 1);
    problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  return page;
}

export const seriousViolations: string[] = [];
let shots = 0;
let captureMs = 0;
/** Pages captured so far and the time their screenshots and scans took. */
export const captureStats = () => ({ shots, captureMs });
let shotMs = 0;

/** Screenshot and accessibility scan of the page as it is now. */
export async function capture(page: Page, name: string): Promise<void> {
  const t0 = Date.now();
  await page.screenshot({
    path: join(ARTIFACTS, `${String(++shots).padStart(2, '0')}-${name}.png`),
    fullPage: true,
    // A long page on a loaded machine (load average 20 seen) can take more than the 10 s default.
    timeout: 60_000,
  });
  shotMs += Date.now() - t0;
  // Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays in force for the app.
  // Injected once per document: client-side navigation keeps it, and parsing it again costs ~0.3 s a page.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{
            violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  seriousViolations.push(...found.map((f) => `${name}: ${f}`));
  captureMs += Date.now() - t0;
}

/** Signs in through the development IdP as `email` with these groups, starting at the workspace's login URL. */
export async function devIdpSignIn(
  page: Page,
  returnTo: string,
  email: string,
  ticked: string[],
  typed: string[] = [],
  tenant = 'acme',
) {
  await page.goto(`${service.base}/sso/${tenant}/dev/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email').fill(email);
  for (const g of ticked) await page.getByLabel(g, { exact: true }).check();
  if (typed.length) await page.getByLabel(/Other groups/).fill(typed.join('\n'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${service.base}${returnTo}`);
}

export interface ServiceOptions {
  /** A service of the file's own, e.g. to see its empty state (no other file's workspaces). */
  own?: boolean;
  /** Settings of a service of the file's own (implies `own`). */
  env?: Record<string, string>;
}

/**
 * Gives the file the run's shared service and Chromium (or a service of its own, see ServiceOptions),
 * and closes the file's browser contexts after it. Without a shared run (a file run outside the
 * browser project's globalSetup) it starts both itself.
 */
export function useService(options: ServiceOptions = {}): void {
  let ownService = false;
  beforeAll(async () => {
    ARTIFACTS = join(ARTIFACTS, basename(expect.getState().testPath ?? 'browser', '.browser.ts'));
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const run = sharedRun();
    if (run && 'error' in run)
      throw new Error(`the browser suite's shared service and Chromium did not start:\n${run.error}`);
    ownService = !run || options.own === true || options.env !== undefined;
    if (ownService) {
      ensureBuilt();
      service = await startService(options.env);
    } else if (run) {
      service = { base: run.base, token: run.token, log: () => '', stop: async () => undefined };
    }
    chromiumBrowser = run
      ? await chromium.connect(run.wsEndpoint, { timeout: 60_000 })
      : await chromium.launch(CHROMIUM_OPTIONS);
  }, 180_000);

  afterAll(async () => {
    process.stdout.write(
      `browser suite: screenshots and axe scans took ${(captureMs / 1000).toFixed(1)} s (screenshots ${(shotMs / 1000).toFixed(1)} s)\n`,
    );
    for (const context of contexts) await context.close();
    await chromiumBrowser?.close(); // a connected browser only disconnects: the shared one stays up
    if (ownService) await service?.stop();
  });
}

/** A finished download's text; the file is kept with the screenshots (downloads are remote: no local path). */
export async function downloadedText(download: Download): Promise<string> {
  const file = join(ARTIFACTS, download.suggestedFilename());
  await download.saveAs(file);
  return readFileSync(file, 'utf8');
}

/** A JSON call to the admin API with the operator token (test set-up outside the browser). */
export async function opApi<T = { id: string }>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${service.base}/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${service.token}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}
