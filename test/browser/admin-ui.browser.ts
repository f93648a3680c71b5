import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureBuilt, startService, type RunningService } from './service';

// The admin UI in Debian's chromium against the real built service (SQLite, development IdP).
// Every page gets a screenshot in artifacts/browser/ and an axe-core scan; any console error or
// CSP violation fails the test.
const ARTIFACTS = join(__dirname, '..', '..', 'artifacts', 'browser');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let service: RunningService;
const contexts: { context: BrowserContext; dir: string }[] = [];
const problems: string[] = [];
/** The browser logs a refused request as an error; the wrong-token step expects exactly one. */
let expected401 = 0;

async function browser(): Promise<Page> {
  const dir = mkdtempSync(join(tmpdir(), 'gs-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
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
  contexts.push({ context, dir });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  // Only the admin UI's pages count (not the development IdP's).
  page.on('console', (m) => {
    if (m.type() !== 'error' || !page.url().startsWith(`${service.base}/admin`)) return;
    if (expected401 > 0 && m.text().includes('status of 401')) return void expected401--;
    problems.push(`console error on ${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  return page;
}

const seriousViolations: string[] = [];
let shots = 0;
let captureMs = 0;
let shotMs = 0;

/** Screenshot and accessibility scan of the page as it is now. */
async function capture(page: Page, name: string): Promise<void> {
  const t0 = Date.now();
  await page.screenshot({
    path: join(ARTIFACTS, `${String(++shots).padStart(2, '0')}-${name}.png`),
    fullPage: true,
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
async function devIdpSignIn(
  page: Page,
  returnTo: string,
  email: string,
  ticked: string[],
  typed: string[] = [],
) {
  await page.goto(`${service.base}/sso/acme/dev/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email').fill(email);
  for (const g of ticked) await page.getByLabel(g, { exact: true }).check();
  if (typed.length) await page.getByLabel(/Other groups/).fill(typed.join('\n'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${service.base}${returnTo}`);
}

beforeAll(async () => {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  ensureBuilt();
  service = await startService();
}, 180_000);

afterAll(async () => {
  process.stdout.write(
    `browser suite: screenshots and axe scans took ${(captureMs / 1000).toFixed(1)} s (screenshots ${(shotMs / 1000).toFixed(1)} s)\n`,
  );
  for (const { context, dir } of contexts) {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
  await service?.stop();
});

test('operator and workspace admin set up SSO, links with impact preview, and read members and audit', async () => {
  const started = Date.now();
  const op = await browser();
  const ui = (path: string) => `${service.base}/admin${path}`;

  // Operator: sign in with the token; a wrong token is refused where it was typed.
  await op.goto(ui('/'));
  await op.getByRole('heading', { name: 'Platform operator' }).waitFor();
  await capture(op, 'sign-in');
  expected401 = 1;
  await op.getByLabel('Operator token').fill('not-the-token');
  await op.getByRole('button', { name: 'Sign in' }).click();
  await op.getByText('This is not the operator token').waitFor();
  expect(expected401).toBe(0);
  await op.getByLabel('Operator token').fill(service.token);
  await op.getByRole('button', { name: 'Sign in' }).click();
  await op.getByRole('heading', { name: 'Workspaces', exact: true }).waitFor();
  await op.getByText('No workspaces yet').waitFor();
  expect(await op.evaluate(() => document.cookie)).toBe(''); // HttpOnly: the page cannot read it
  expect(await op.evaluate(() => JSON.stringify(localStorage))).not.toContain(service.token);
  await capture(op, 'workspaces-empty');

  await op.getByLabel('Name').fill('Acme');
  await op.getByLabel('Slug').fill('acme');
  await op.getByRole('button', { name: 'Create workspace' }).click();
  await op.waitForURL(ui('/t/acme/identity-providers'));
  await op.getByText('No identity provider connected yet').waitFor();
  await capture(op, 'identity-providers-empty');

  // A SAML IdP from pasted metadata: a wrong paste is named inline, the real one saves.
  await op.getByLabel('Slug').fill('dev');
  await op.getByLabel('Display name (optional)').fill('Development IdP');
  await op.getByLabel('Federation metadata XML').fill('<EntityDescriptor entityID="x"></EntityDescriptor>');
  await op.getByRole('button', { name: 'Add identity provider' }).click();
  await op.getByText('No IDPSSODescriptor').waitFor();
  const metadata = await (await fetch(`${service.base}/dev-idp/metadata`)).text();
  await op.getByLabel('Federation metadata XML').fill(metadata);
  await op.getByLabel('Admin groups').fill('acme-admins');
  await op.getByRole('button', { name: 'Add identity provider' }).click();
  const card = op.getByTestId('idp-dev');
  await card.waitFor();
  await expect(card.getByTestId('copy-value').first().textContent()).resolves.toBe(
    `${service.base}/sso/acme/dev/acs`,
  );
  await card.getByRole('button', { name: 'Copy Identifier (Entity ID)' }).waitFor();
  await capture(op, 'identity-providers');

  // Groups: a tree with a subgroup.
  await op.getByRole('link', { name: 'Groups' }).click();
  await op.getByText('No groups yet').waitFor();
  await capture(op, 'groups-empty');
  await op.getByLabel('Name').fill('Engineering');
  await op.getByRole('button', { name: 'Create group' }).click();
  await op.getByRole('link', { name: 'Engineering' }).waitFor();
  await op.getByLabel('Name').fill('Platform');
  await op.getByLabel('Inside (optional)').selectOption({ label: 'Engineering' });
  await op.getByRole('button', { name: 'Create group' }).click();
  await op.getByRole('link', { name: 'Platform' }).waitFor();
  await capture(op, 'groups');

  // First link: the preview comes before the save.
  await op.getByRole('link', { name: 'Engineering' }).click();
  await op.getByText('Nobody is in this group yet').waitFor();
  await capture(op, 'group-members-empty');
  await op.getByRole('tab', { name: 'Group links' }).click();
  await op.getByText('No links yet').waitFor();
  await op.getByLabel('IdP group').fill('engineering');
  await op.getByLabel('Role').selectOption('developer');
  await op.getByRole('button', { name: 'Preview impact' }).click();
  await op.getByTestId('impact-preview').getByText('Nobody has signed in').waitFor();
  await capture(op, 'link-preview-first');
  await op.getByRole('button', { name: 'Save link' }).click();
  await op.getByTestId('link-row').filter({ hasText: 'engineering' }).waitFor();

  // The workspace admin signs in through the development IdP, in a browser of their own.
  const admin = await browser();
  await devIdpSignIn(
    admin,
    '/admin/t/acme/groups',
    'ada@example.com',
    ['engineering', 'acme-admins'],
    ['eng-leads'],
  );
  await admin.getByText('Signed in as ada@example.com').waitFor();
  await capture(admin, 'groups-as-workspace-admin');

  // Second link, by the admin (session cookie + CSRF): the preview names who is re-roled.
  await admin.getByRole('link', { name: 'Engineering' }).click();
  await admin.getByRole('tab', { name: 'Group links' }).click();
  await admin.getByLabel('IdP group').fill('eng-leads');
  await admin.getByLabel('Label (optional)').fill('Engineering leads');
  await admin.getByLabel('Role').selectOption('maintainer');
  await admin.getByRole('button', { name: 'Preview impact' }).click();
  const preview = admin.getByTestId('impact-preview');
  await preview.getByText('1 person re-roled').waitFor();
  await preview.getByText('ada@example.com').waitFor();
  await preview.getByText('developer → maintainer').waitFor();
  await capture(admin, 'link-preview-re-role');
  await admin.getByRole('button', { name: 'Save link' }).click();
  await admin.getByTestId('link-row').filter({ hasText: 'eng-leads' }).waitFor();
  expect(await admin.getByTestId('link-row').count()).toBe(2);
  // "Apply now" asks first, then re-roles at once instead of at the next sign-in.
  await admin.getByRole('button', { name: 'Apply now…' }).click();
  await admin.getByText("Apply this group's links now").waitFor();
  await capture(admin, 'group-links');
  await admin.getByRole('button', { name: 'Apply', exact: true }).click();
  await admin.getByTestId('apply-now').getByText('Applied: 0 added, 1 re-roled, 0 removed').waitFor();
  await admin.getByRole('tab', { name: 'Members' }).click();
  // (The cached list shows first; the refetched one has the new role.)
  await admin
    .getByTestId('member-row')
    .filter({ hasText: 'ada@example.com' })
    .filter({ hasText: /maintainer\s*sync/ })
    .waitFor();

  // A second user signs in; the operator sees the synced membership and why.
  await devIdpSignIn(op, '/admin/t/acme/groups', 'bob@example.com', ['engineering']);
  await op.getByRole('link', { name: 'Engineering' }).click();
  const bob = op.getByTestId('member-row').filter({ hasText: 'bob@example.com' });
  await bob.waitFor();
  await expect(bob.textContent()).resolves.toMatch(/developer.*sync.*from a group link at sign-in/);
  await capture(op, 'group-members');
  await op.getByRole('link', { name: 'Groups', exact: true }).first().click();
  await op.getByRole('link', { name: 'Platform' }).click();
  await op
    .getByTestId('member-row')
    .filter({ hasText: 'bob@example.com' })
    .getByText('inherited from Engineering')
    .waitFor();

  // Deleting a link previews who would lose access; cancel keeps it.
  await op.getByRole('link', { name: 'Groups', exact: true }).first().click();
  await op.getByRole('link', { name: 'Engineering' }).click();
  await op.getByRole('tab', { name: 'Group links' }).click();
  await op.getByRole('button', { name: 'Delete link engineering' }).click();
  await op
    .getByTestId('impact-preview')
    .getByText(/removed/)
    .first()
    .waitFor();
  await op.getByTestId('impact-preview').getByText('bob@example.com').waitFor();
  await capture(op, 'link-delete-preview');
  await op.getByRole('button', { name: 'Cancel' }).click();

  // SCIM tokens: created for an IdP, shown once with the values Entra ID and Okta ask for, then revoked.
  await op.getByRole('link', { name: 'SCIM tokens' }).click();
  await op.getByText('No SCIM tokens yet').waitFor();
  await op.getByLabel('Identity provider').selectOption('dev');
  await op.getByLabel('Token name').fill('Entra provisioning');
  await op.getByRole('button', { name: 'Create token' }).click();
  const fresh = op.getByTestId('new-scim-token');
  await fresh.waitFor();
  // Focus moves to the one-time token (set after render: waited for, then asserted).
  await op.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'new-scim-token');
  expect(await fresh.evaluate((el) => el === document.activeElement)).toBe(true);
  const [tenantUrl, secret] = await fresh.getByTestId('copy-value').allTextContents();
  expect(tenantUrl).toBe(`${service.base}/scim/v2/acme`);
  await fresh.getByRole('button', { name: 'Copy Secret Token' }).waitFor();
  await fresh.getByText('Okta: SCIM connector base URL').waitFor();
  await fresh.getByText(/Okta: API token/).waitFor();
  await capture(op, 'scim-token-created');
  const scim = (token: string) =>
    fetch(`${tenantUrl}/Users?count=1`, { headers: { Authorization: `Bearer ${token}` } }).then(
      (r) => r.status,
    );
  expect(await scim(secret)).toBe(200);
  await op.getByRole('button', { name: 'Done, I have copied it' }).click();
  // Shown once: gone from the page (waited for, since React removes it on its next render).
  await op.getByTestId('new-scim-token').waitFor({ state: 'detached' });
  expect(await op.getByTestId('new-scim-token').count()).toBe(0);
  await op.getByTestId('scim-token-row').filter({ hasText: 'Entra provisioning' }).waitFor();
  await op.getByRole('button', { name: 'Revoke Entra provisioning' }).click();
  await op.getByTestId('revoke-confirm').getByText('Provisioning with this token stops at once').waitFor();
  await capture(op, 'scim-token-revoke');
  await op.getByRole('button', { name: 'Revoke token' }).click();
  await op.getByText('No SCIM tokens yet').waitFor();
  expect(await scim(secret)).toBe(401);

  // Users: found by email (any case); the detail says where each membership comes from and what the IdP sent.
  await op.getByRole('link', { name: 'Users', exact: true }).click();
  await op.getByTestId('user-row').filter({ hasText: 'ada@example.com' }).waitFor();
  await op.getByLabel('Email').fill('nobody@example.com');
  await op.getByRole('button', { name: 'Find' }).click();
  await op.getByText('Nobody with the email nobody@example.com').waitFor();
  await op.getByLabel('Email').fill('BOB@example.com');
  await op.getByRole('button', { name: 'Find' }).click();
  await op.getByRole('link', { name: 'bob@example.com' }).click();
  await op.getByRole('heading', { name: 'bob@example.com' }).waitFor();
  await op
    .getByTestId('membership-row')
    .filter({ hasText: 'Engineering' })
    .getByText(/developer/)
    .waitFor();
  await expect(
    op.getByTestId('membership-row').filter({ hasText: 'Engineering' }).textContent(),
  ).resolves.toMatch(/from sync via IdP groups/);
  await expect(op.getByTestId('external-group-row').first().textContent()).resolves.toMatch(
    /engineering.*dev.*in the sign-in claims/,
  );
  await capture(op, 'user-detail');

  // The audit log shows the sign-in's changes, filtered, with details expandable.
  await op.getByRole('link', { name: 'Audit log' }).click();
  await op.getByTestId('audit-row').first().waitFor();
  await op.getByLabel('Action').fill('membership.*');
  await op.getByRole('button', { name: 'Filter' }).click();
  const added = op
    .getByTestId('audit-row')
    .filter({ hasText: 'membership.added' })
    .filter({ hasText: 'Engineering' });
  await added.first().waitFor();
  // The unfiltered page also had membership rows: wait for the filtered answer to replace it.
  const others = op.getByTestId('audit-row').filter({ hasNotText: 'membership.' });
  await others.first().waitFor({ state: 'detached' });
  expect(await others.count()).toBe(0);
  await added.first().getByRole('button', { name: 'Details' }).click();
  await op.getByText('"correlationId"').waitFor();
  await capture(op, 'audit');

  // The reference a refused user quotes finds that request's events; the filter's events export as CSV.
  const correlationId = JSON.parse((await op.locator('pre').first().textContent()) ?? '{}')
    .correlationId as string;
  const sameRequest = await op
    .context()
    .request.get(`${service.base}/api/v1/tenants/acme/audit-events?correlationId=${correlationId}`);
  const expectedCount = ((await sameRequest.json()) as { items: unknown[] }).items.length;
  expect(expectedCount).toBeGreaterThan(0);
  await op.getByRole('button', { name: 'Clear' }).click();
  await op.getByLabel('Correlation id').fill(correlationId);
  await op.getByRole('button', { name: 'Filter' }).click();
  await op.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="audit-row"]').length === n,
    expectedCount,
  );
  const [download] = await Promise.all([
    op.waitForEvent('download'),
    op.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const csv = readFileSync((await download.path()) ?? '', 'utf8')
    .trim()
    .split('\r\n');
  expect(csv[0]).toMatch(/^time,action,/);
  expect(csv).toHaveLength(expectedCount + 1);
  expect(csv.slice(1).every((line) => line.includes(`,${correlationId},`))).toBe(true);
  await op.getByText(`Exported ${expectedCount} events.`).waitFor();

  // Readable at a phone's width.
  await op.setViewportSize({ width: 390, height: 844 });
  await capture(op, 'audit-phone');
  await op.setViewportSize({ width: 1280, height: 900 });

  // Sign out ends the operator session.
  await op.getByRole('button', { name: 'Sign out' }).click();
  await op.getByRole('heading', { name: 'Platform operator' }).waitFor();
  // (Asked outside the page, so the expected 401 is not a console error.)
  expect((await op.context().request.get(`${service.base}/api/v1/tenants`)).status()).toBe(401);

  expect(problems).toEqual([]);
  expect(seriousViolations).toEqual([]);
  process.stdout.write(
    `browser suite: ${shots} pages captured in ${((Date.now() - started) / 1000).toFixed(1)} s (screenshots and axe: ${(captureMs / 1000).toFixed(1)} s)\n`,
  );
}, 120_000);
