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

test(
  '"Resume and apply" of a paused IdP runs as a job: its progress shows until it is done',
  async () => {
    // Workspace delta from the test above: ann and ben are known to the development IdP with "eng".
    const admin = await browser();
    await devIdpSignIn(
      admin,
      '/admin/t/delta/identity-providers',
      'ann@example.com',
      [],
      ['eng', 'delta-admins'],
      'delta',
    );
    const card = admin.getByTestId('idp-dev');
    await card.getByRole('button', { name: 'Pause sync' }).click();
    await card.getByText('sync paused').waitFor();
    // While paused, a new group is linked to "eng": resuming adds both people to it.
    const ops = await opApi('POST', '/tenants/delta/groups', { name: 'Ops' });
    await opApi('POST', `/tenants/delta/groups/${ops.id}/links`, { externalGroup: 'eng', role: 'reporter' });
    await card.getByRole('button', { name: 'Preview resume' }).click();
    await card
      .getByTestId('resume-preview')
      .getByText('Resuming applies 2 additions, 0 role changes, 0 removals and 0 admin changes for 2 users.')
      .waitFor();
    await card.getByRole('button', { name: 'Resume and apply' }).click();
    // 202: the pause is lifted at once, the job applies the changes; read every second until done.
    await card.getByRole('button', { name: 'Pause sync' }).waitFor();
    const progress = card.getByTestId('job-progress');
    await progress.getByText('Done: 2 people checked.').waitFor({ timeout: 60_000 });
    await progress.getByText('Applied: 2 added, 0 re-roled, 0 removed').waitFor();
    await capture(admin, 'resume-job-done');
    expect(await card.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    const members = await opApi<{ email: string }[]>('GET', `/tenants/delta/groups/${ops.id}/members`);
    expect(members.map((m) => m.email).sort()).toEqual(['ann@example.com', 'ben@example.com']);

    expect(problems).toEqual([]);
    expect(seriousViolations).toEqual([]);
  },
  TEST_TIMEOUT_MS,
);
