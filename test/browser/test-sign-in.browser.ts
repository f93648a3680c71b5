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

useService();

// About 20 s on a quiet machine; the two cores are shared by several test runs, hence the margin.
const TEST_TIMEOUT_MS = 240_000;
const ui = (path: string) => `${service.base}/admin${path}`;

/** A workspace with the development IdP (admins by group) and one linked group. */
async function setUp() {
  await opApi('POST', '/tenants', { slug: 'zeta', name: 'Zeta' });
  const metadataXml = await (await fetch(`${service.base}/dev-idp/metadata`)).text();
  await opApi('POST', '/tenants/zeta/identity-providers', {
    slug: 'dev',
    type: 'saml',
    metadataXml,
    groupSync: { adminGroups: ['zeta-admins'] },
  });
  const ops = await opApi('POST', '/tenants/zeta/groups', { name: 'Ops' });
  await opApi('POST', `/tenants/zeta/groups/${ops.id}/links`, { externalGroup: 'ops', role: 'developer' });
  return { ops };
}

const usersNamed = async (prefix: string) =>
  (await opApi<{ items: { email: string }[] }>('GET', `/tenants/zeta/users?q=${prefix}&cursor=`)).items.map(
    (u) => u.email,
  );

test(
  'an admin tests a sign-in through the development IdP and reads the result; the Me page explains the last sign-in',
  async () => {
    const started = Date.now();
    await setUp();
    const admin = await browser();
    await devIdpSignIn(
      admin,
      '/admin/t/zeta/identity-providers',
      'boss@example.com',
      [],
      ['zeta-admins', 'ops'],
      'zeta',
    );
    const card = admin.getByTestId('idp-dev');
    await card.getByRole('button', { name: 'Test sign-in' }).waitFor();
    await capture(admin, 'idp-with-test-button');

    // The test: the development IdP's real form, signed response, back to the result page.
    await card.getByRole('button', { name: 'Test sign-in' }).click();
    await admin.getByLabel('Email').fill('tess@example.com');
    await admin.getByLabel(/Other groups/).fill('ops\nnot-linked');
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.waitForURL(/\/admin\/t\/zeta\/identity-providers\/dev\/test-sign-ins\/[0-9a-f-]{36}$/);
    const result = admin.getByTestId('test-sign-in');
    await result.getByText('A real sign-in would succeed.').waitFor();
    await result.getByText('A new account would be created: 1 added, 0 re-roled, 0 removed.').waitFor();
    await result.getByTestId('matched-link').getByRole('cell', { name: 'Ops', exact: true }).waitFor();
    await result.getByTestId('plan-line').filter({ hasText: 'added as developer' }).waitFor();
    await result.getByTestId('normalized-groups').getByText('not-linked').waitFor();
    await result.getByText('Raw claims the IdP sent').click();
    await result
      .getByTestId('raw-claims')
      .getByText(/tess@example\.com/)
      .waitFor();
    await capture(admin, 'test-sign-in-result');
    // Nobody was created, and the admin is still signed in as themself.
    expect(await usersNamed('tess')).toEqual([]);
    await admin.getByRole('link', { name: 'Back to the identity providers' }).click();
    await card.waitFor();

    // The Me page: the admin's own groups and what their last (real) sign-in changed, and why.
    await admin.goto(ui('/t/zeta/me'));
    const last = admin.getByTestId('last-sign-in');
    await last.getByText('1 added, 0 re-roled, 0 removed.').waitFor();
    await last.getByText('Ops: added as developer').waitFor();
    await last.getByText('made a workspace admin').waitFor();
    await capture(admin, 'me-last-sign-in');

    expect(problems).toEqual([]);
    expect(seriousViolations).toEqual([]);
    process.stdout.write(`browser suite (test sign-in): ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  },
  TEST_TIMEOUT_MS,
);
