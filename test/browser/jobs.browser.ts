import {
  browser,
  capture,
  devIdpSignIn,
  opApi,
  problems,
  service,
  seriousViolations,
  useService,
} from './harness';

// Every reconcile with anyone in it runs as a job in this file's own service (its runner polls every
// second); the shared service keeps the default, which the other files' "Apply now" relies on.
useService({ env: { JOBS_RECONCILE_THRESHOLD: '0' } });

const TEST_TIMEOUT_MS = 240_000;
const ui = (path: string) => `${service.base}/admin${path}`;

test(
  '"Apply now" over a large group shows the job until it is done, then the Jobs page lists it',
  async () => {
    await opApi('POST', '/tenants', { slug: 'delta', name: 'Delta' });
    const metadataXml = await (await fetch(`${service.base}/dev-idp/metadata`)).text();
    await opApi('POST', '/tenants/delta/identity-providers', {
      slug: 'dev',
      type: 'saml',
      metadataXml,
      groupSync: { adminGroups: ['delta-admins'] },
    });
    const eng = await opApi('POST', '/tenants/delta/groups', { name: 'Eng' });
    await opApi('POST', `/tenants/delta/groups/${eng.id}/links`, { externalGroup: 'eng', role: 'developer' });
    const admin = await browser();
    for (const email of ['ann@example.com', 'ben@example.com'])
      await devIdpSignIn(
        admin,
        '/admin/t/delta/groups',
        email,
        [],
        ['eng', 'eng-all', 'delta-admins'],
        'delta',
      );

    await admin.getByRole('link', { name: 'Eng' }).click();
    await admin.getByRole('tab', { name: 'Group links' }).click();
    await admin.getByLabel('IdP group').fill('eng-all');
    await admin.getByLabel('Role').selectOption('maintainer');
    await admin.getByRole('button', { name: 'Preview impact' }).click();
    await admin.getByTestId('impact-preview').getByText('2 people re-roled').waitFor();
    await admin.getByRole('button', { name: 'Save link' }).click();
    await admin.getByRole('button', { name: 'Apply now…' }).click();
    await admin.getByRole('button', { name: 'Apply', exact: true }).click();
    // Queued (202), then read every second until the runner is done.
    const progress = admin.getByTestId('job-progress');
    await progress.getByText('Done: 2 people checked.').waitFor({ timeout: 60_000 });
    await progress.getByText('Applied: 0 added, 2 re-roled, 0 removed').waitFor();
    await capture(admin, 'apply-now-job-done');
    expect(await admin.getByRole('button', { name: 'Cancel' }).count()).toBe(0);

    await admin.getByRole('link', { name: 'Jobs', exact: true }).click();
    const row = admin.getByTestId('job-row');
    await row.filter({ hasText: 'succeeded' }).filter({ hasText: 'reconcile' }).waitFor();
    await row.getByText('0 added, 2 re-roled, 0 removed (2 people checked).').waitFor();
    await capture(admin, 'jobs');
    await admin.getByLabel('Status').selectOption('failed');
    await admin.getByText('No jobs').waitFor();
    await admin.goto(ui('/t/delta/groups'));

    expect(problems).toEqual([]);
    expect(seriousViolations).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
