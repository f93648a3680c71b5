import type { Page } from 'playwright-core';
import {
  browser,
  capture,
  devIdpSignIn,
  expectRefusals,
  opApi,
  pendingRefusals,
  problems,
  service,
  seriousViolations,
  useService,
} from './harness';

useService();

// About 30 s on a quiet machine; the two cores are shared by several test runs, hence the margin.
const TEST_TIMEOUT_MS = 240_000;
const ui = (path: string) => `${service.base}/admin${path}`;

/** Emails of a group's members, asked outside the browser. */
async function memberEmails(groupId: string): Promise<string[]> {
  const page = await opApi<{ items: { email: string }[] }>(
    'GET',
    `/tenants/gamma/groups/${groupId}/members?limit=100`,
  );
  return page.items.map((m) => m.email).sort();
}

/** A workspace with removal safety at zero (every sync removal is staged), the development IdP and a link. */
async function setUp() {
  await opApi('POST', '/tenants', { slug: 'gamma', name: 'Gamma' });
  await opApi('PATCH', '/tenants/gamma', {
    settings: { removalSafety: { maxRemovals: 0, maxRemovalPercent: 0 } },
  });
  const metadataXml = await (await fetch(`${service.base}/dev-idp/metadata`)).text();
  await opApi('POST', '/tenants/gamma/identity-providers', {
    slug: 'dev',
    type: 'saml',
    metadataXml,
    groupSync: { adminGroups: ['gamma-admins'] },
  });
  const ops = await opApi('POST', '/tenants/gamma/groups', { name: 'Ops' });
  const link = await opApi('POST', `/tenants/gamma/groups/${ops.id}/links`, {
    externalGroup: 'ops',
    role: 'developer',
  });
  return { ops, link };
}

async function customRoleInUse(admin: Page, opsId: string) {
  await admin.getByRole('link', { name: 'Roles', exact: true }).click();
  await admin.getByTestId('role-row').filter({ hasText: 'owner' }).waitFor();
  await capture(admin, 'roles');
  // A bad name is refused where it was typed.
  expectRefusals(400, 1);
  await admin.getByLabel('Name').fill('Bad Name!');
  await admin.getByRole('button', { name: 'Add role' }).click();
  await admin.getByRole('alert').filter({ hasText: 'Not added' }).waitFor();
  expect(pendingRefusals(400)).toBe(0);
  await capture(admin, 'roles-bad-name');
  await admin.getByLabel('Name').fill('auditor');
  await admin.getByLabel('Rank').fill('25');
  await admin.getByRole('button', { name: 'Add role' }).click();
  await admin.getByTestId('role-row').filter({ hasText: 'auditor' }).getByText('25').waitFor();
  await admin.getByRole('alert').waitFor({ state: 'detached' });

  // The link's role picker offers it.
  await admin.goto(ui(`/t/gamma/groups/${opsId}`));
  await admin.getByRole('tab', { name: 'Group links' }).click();
  await admin.getByLabel('IdP group').fill('auditors');
  await admin.getByLabel('Role').selectOption('auditor');
  await admin.getByRole('button', { name: 'Preview impact' }).click();
  await admin.getByTestId('impact-preview').waitFor();
  await admin.getByRole('button', { name: 'Save link' }).click();
  const row = admin.getByTestId('link-row').filter({ hasText: 'auditors' });
  await row.getByText('auditor', { exact: true }).waitFor();

  // In use: the delete is refused with what uses it.
  await admin.getByRole('link', { name: 'Roles', exact: true }).click();
  expectRefusals(409, 1);
  await admin.getByRole('button', { name: 'Delete role auditor' }).click();
  await admin
    .getByRole('alert')
    .getByText('Role "auditor" cannot be deleted while it is in use: 1 link(s) (Ops: auditors)')
    .waitFor();
  expect(pendingRefusals(409)).toBe(0);
  await capture(admin, 'roles-in-use');
  const links = await opApi<{ items: { id: string; externalGroup: string }[] }>(
    'GET',
    `/tenants/gamma/groups/${opsId}/links?limit=100`,
  );
  const auditors = links.items.find((l) => l.externalGroup === 'auditors');
  await opApi('DELETE', `/tenants/gamma/groups/${opsId}/links/${auditors?.id}`);
  await admin.getByRole('button', { name: 'Delete role auditor' }).click();
  await admin.getByTestId('role-row').filter({ hasText: 'auditor' }).waitFor({ state: 'detached' });
  await admin.getByRole('alert').waitFor({ state: 'detached' });
}

async function stagedRemovals(admin: Page, opsId: string) {
  await admin.getByRole('link', { name: 'Staged removals', exact: true }).click();
  const rows = admin.getByTestId('staged-removal');
  await rows.filter({ hasText: 'ann@example.com' }).getByText('Ops (developer)').waitFor();
  await expect(rows.count()).resolves.toBe(2);
  await rows
    .filter({ hasText: 'ben@example.com' })
    .getByText(/reconcile · dev/)
    .waitFor();
  await capture(admin, 'staged-removals');
  await admin.getByLabel('Select ann@example.com in Ops').click();
  await admin.getByRole('button', { name: 'Approve 1 selected' }).click();
  await admin.getByRole('status').getByText('Removed 1; 0 no longer apply and were dropped.').waitFor();
  await rows.filter({ hasText: 'ann@example.com' }).waitFor({ state: 'detached' });
  await capture(admin, 'staged-removals-approved');
  await admin.getByRole('button', { name: 'Discard all' }).click();
  await admin.getByRole('status').getByText('Discarded 1; everyone keeps their membership.').waitFor();
  await admin.getByText('Nothing waits').waitFor();
  await capture(admin, 'staged-removals-empty');
  expect(await memberEmails(opsId)).toEqual(['ben@example.com']);
  const tenant = await opApi<{ removalBreakerTrippedAt: string | null }>('GET', '/tenants/gamma');
  expect(tenant.removalBreakerTrippedAt).toBeNull();
}

async function pauseAndResume(admin: Page, opsId: string) {
  await admin.getByRole('link', { name: 'Identity providers', exact: true }).click();
  const card = admin.getByTestId('idp-dev');
  await card.getByRole('button', { name: 'Pause sync' }).click();
  await card.getByText('sync paused').waitFor();
  await capture(admin, 'idp-paused');
  // While paused, the link comes back: resuming would add ann again.
  await opApi('POST', `/tenants/gamma/groups/${opsId}/links`, { externalGroup: 'ops', role: 'developer' });
  await card.getByRole('button', { name: 'Preview resume' }).click();
  await card
    .getByTestId('resume-preview')
    .getByText('Resuming applies 1 additions, 0 role changes, 0 removals and 0 admin changes for 1 users.')
    .waitFor();
  await capture(admin, 'idp-resume-preview');
  expect(await memberEmails(opsId)).toEqual(['ben@example.com']); // a preview changes nothing
  await card.getByRole('button', { name: 'Resume and apply' }).click();
  await card.getByRole('button', { name: 'Pause sync' }).waitFor();
  expect(await memberEmails(opsId)).toEqual(['ann@example.com', 'ben@example.com']);
}

async function deleteIdps(admin: Page) {
  const metadataXml = await (await fetch(`${service.base}/dev-idp/metadata`)).text();
  await opApi('POST', '/tenants/gamma/identity-providers', { slug: 'spare', type: 'saml', metadataXml });
  await admin.goto(ui('/t/gamma/identity-providers')); // already open: loaded again to show the new one
  // The IdP people signed in through: the preview names what goes with it; cancel keeps it.
  const dev = admin.getByTestId('idp-dev');
  await dev.getByRole('button', { name: 'Delete…' }).click();
  await dev
    .getByTestId('delete-preview')
    .getByText('This also deletes: 2 sign-in identities, 4 stored IdP group memberships.')
    .waitFor();
  await capture(admin, 'idp-delete-preview');
  await dev.getByRole('button', { name: 'Cancel' }).click();
  await dev.getByRole('button', { name: 'Delete…' }).waitFor();
  // An unused one: nothing attached, a plain "Delete".
  const spare = admin.getByTestId('idp-spare');
  await spare.getByRole('button', { name: 'Delete…' }).click();
  await spare.getByText('Nothing else is attached to it.').waitFor();
  await spare.getByRole('button', { name: 'Delete', exact: true }).click();
  await spare.waitFor({ state: 'detached' });
  await dev.waitFor();
}

async function deleteGroupWithLink(admin: Page) {
  const retired = await opApi('POST', '/tenants/gamma/groups', { name: 'Retired' });
  await opApi('POST', `/tenants/gamma/groups/${retired.id}/links`, {
    externalGroup: 'retired',
    role: 'guest',
  });
  await admin.goto(ui(`/t/gamma/groups/${retired.id}`));
  await admin.getByRole('button', { name: 'Delete…' }).click();
  const preview = admin.getByTestId('delete-preview');
  await preview.getByText('This also deletes: 1 group link.').waitFor();
  await preview
    .getByText(/retired/)
    .first()
    .waitFor();
  await capture(admin, 'group-delete-preview-with-link');
  await admin.getByRole('button', { name: 'Delete anyway' }).click();
  await admin.getByRole('link', { name: 'Ops', exact: true }).waitFor();
  await admin.getByRole('link', { name: 'Retired', exact: true }).waitFor({ state: 'detached' });
  expect(
    (
      await fetch(`${service.base}/api/v1/tenants/gamma/groups/${retired.id}`, {
        headers: { Authorization: `Bearer ${service.token}` },
      })
    ).status,
  ).toBe(404);
}

test(
  'custom role in a link, staged removals approved and discarded, IdP pause with resume preview, group delete',
  async () => {
    const started = Date.now();
    const { ops, link } = await setUp();
    // Two admins sign in and are synced into Ops; ben (the last) drives the pages.
    const admin = await browser();
    for (const email of ['ann@example.com', 'ben@example.com'])
      await devIdpSignIn(admin, '/admin/t/gamma/overview', email, [], ['ops', 'gamma-admins'], 'gamma');
    expect(await memberEmails(ops.id)).toEqual(['ann@example.com', 'ben@example.com']);

    await customRoleInUse(admin, ops.id);

    // The link goes and a reconcile would remove both: the breaker (limits at 0) stages them.
    await opApi('DELETE', `/tenants/gamma/groups/${ops.id}/links/${link.id}`);
    await opApi('POST', '/tenants/gamma/sync/reconcile', {});
    expect(await memberEmails(ops.id)).toEqual(['ann@example.com', 'ben@example.com']);
    await stagedRemovals(admin, ops.id);

    await pauseAndResume(admin, ops.id);
    await deleteIdps(admin);
    await deleteGroupWithLink(admin);

    expect(problems).toEqual([]);
    expect(seriousViolations).toEqual([]);
    process.stdout.write(`browser suite (removal safety): ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  },
  TEST_TIMEOUT_MS,
);
