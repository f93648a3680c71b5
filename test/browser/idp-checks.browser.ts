import { certificate } from '../support/idp-fixtures';
import {
  browser,
  capture,
  devIdpSignIn,
  opApi,
  problems,
  seriousViolations,
  service,
  useService,
} from './harness';

useService();

// About 30 s on a quiet machine; the two cores are shared by several test runs, hence the margin.
const TEST_TIMEOUT_MS = 240_000;

interface IdpAnswer {
  groupSync: { removalGraceHours: number; defaultMemberships: unknown[]; removeDefaultsOnMatch: boolean };
  leavers: { blockNotSeenDays: number | null; graphRefreshHours: number | null };
}

/** A workspace with the development IdP (for the admin's sign-in) and a partner IdP whose certificate ends in 10 days. */
async function setUp() {
  await opApi('POST', '/tenants', { slug: 'delta', name: 'Delta' });
  const metadataXml = await (await fetch(`${service.base}/dev-idp/metadata`)).text();
  await opApi('POST', '/tenants/delta/identity-providers', {
    slug: 'dev',
    type: 'saml',
    metadataXml,
    groupSync: { adminGroups: ['delta-admins'] },
  });
  await opApi('POST', '/tenants/delta/identity-providers', {
    slug: 'partner',
    type: 'saml',
    name: 'Partner ADFS',
    entityId: 'https://adfs.partner.example/adfs/services/trust',
    ssoUrl: 'https://adfs.partner.example/adfs/ls/',
    certificates: [certificate('partner signing', 10)],
  });
  return opApi('POST', '/tenants/delta/groups', { name: 'Everyone' });
}

test(
  'a certificate ending soon is warned about on the overview and the IdP page; sync and workspace settings save',
  async () => {
    const started = Date.now();
    const everyone = await setUp();
    const admin = await browser();
    await devIdpSignIn(admin, '/admin/t/delta/overview', 'ann@example.com', [], ['delta-admins'], 'delta');

    // Overview: the alert names the IdP and the date.
    await admin
      .getByTestId('idp-alert')
      .filter({ hasText: /Partner ADFS: the signing certificate expires \d{4}-\d\d-\d\d \(in 9 days\)/ })
      .waitFor();
    await capture(admin, 'overview-certificate-alert');

    // Workspace settings: let sync remove a last owner like anyone else.
    const keep = admin.getByRole('checkbox', { name: "Keep a group's last owner" });
    expect(await keep.getAttribute('aria-checked')).toBe('true');
    await keep.click();
    await admin.getByRole('button', { name: 'Save workspace settings' }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const tenant = await opApi<{ settings: { keepLastOwner: boolean } }>('GET', '/tenants/delta');
    expect(tenant.settings.keepLastOwner).toBe(false);

    // The IdP page: the certificate, its warning, and the sync settings form.
    await admin.getByTestId('idp-alert').getByRole('link', { name: 'Review it' }).click();
    const card = admin.getByTestId('idp-partner');
    await card.getByText('certificate expires soon').waitFor();
    await card.getByTestId('certificate').filter({ hasText: 'partner signing' }).waitFor();
    await capture(admin, 'idp-certificate-warning');

    // The IdP's settings page: a bad number is named where it was typed, nothing is sent.
    await card.getByRole('link', { name: /Edit settings/ }).click();
    const policy = admin.getByTestId('idp-policy');
    await policy.getByLabel('Grace period before a removal (hours)').fill('soon');
    await policy.getByRole('button', { name: 'Save group-sync policy' }).click();
    await policy.getByRole('alert').filter({ hasText: 'A whole number, or empty' }).waitFor();

    await policy.getByLabel('Grace period before a removal (hours)').fill('24');
    await policy.getByRole('button', { name: 'Add a default membership' }).click();
    await policy.getByLabel('Group of default membership 1').selectOption({ label: 'Everyone' });
    await policy.getByLabel('Role of default membership 1').selectOption('reporter');
    await policy.getByRole('checkbox', { name: /Remove the default memberships/ }).click();
    await policy.getByLabel('Block users not seen for (days)').fill('90');
    await policy.getByRole('button', { name: 'Save group-sync policy' }).click();
    await policy.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await capture(admin, 'idp-sync-settings-saved');
    const saved = await opApi<IdpAnswer>('GET', '/tenants/delta/identity-providers/partner');
    expect(saved.groupSync).toEqual(
      expect.objectContaining({
        removalGraceHours: 24,
        defaultMemberships: [{ groupId: everyone.id, role: 'reporter' }],
        removeDefaultsOnMatch: true,
      }),
    );
    expect(saved.leavers).toEqual(expect.objectContaining({ blockNotSeenDays: 90, graphRefreshHours: null }));
    // The form shows what was saved: the group picked on the default membership's line.
    await admin.reload();
    await admin.waitForFunction(
      (id) => (document.getElementById('partner-defaults') as HTMLSelectElement | null)?.value === id,
      everyone.id,
    );

    expect(problems).toEqual([]);
    expect(seriousViolations).toEqual([]);
    process.stdout.write(`browser suite (IdP checks): ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  },
  TEST_TIMEOUT_MS,
);
