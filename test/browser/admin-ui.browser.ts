import {
  browser,
  capture,
  captureStats,
  devIdpSignIn,
  downloadedText,
  expect401,
  pending401,
  opApi,
  problems,
  service,
  seriousViolations,
  useService,
} from './harness';

// Its own service: the operator's first page is the empty list of workspaces (no other file's).
useService({ own: true });

// About 50 s each on a quiet machine; 150 s was measured with the two cores shared by five test runs.
const TEST_TIMEOUT_MS = 300_000;

test(
  'operator and workspace admin set up SSO, links with impact preview, and read members and audit',
  async () => {
    const started = Date.now();
    const op = await browser();
    const ui = (path: string) => `${service.base}/admin${path}`;

    // Operator: sign in with the token; a wrong token is refused where it was typed.
    await op.goto(ui('/'));
    await op.getByRole('heading', { name: 'Platform operator' }).waitFor();
    await capture(op, 'sign-in');
    expect401(1);
    await op.getByLabel('Operator token').fill('not-the-token');
    await op.getByRole('button', { name: 'Sign in' }).click();
    await op.getByText('This is not the operator token').waitFor();
    expect(pending401()).toBe(0);
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

    // Users: found by the start of their email (any case); the detail says where each membership comes from and what the IdP sent.
    await op.getByRole('link', { name: 'Users', exact: true }).click();
    await op.getByTestId('user-row').filter({ hasText: 'ada@example.com' }).waitFor();
    await op.getByLabel('Email').fill('nobody@example.com');
    await op.getByRole('button', { name: 'Find' }).click();
    await op.getByText('Nobody whose email starts with nobody@example.com').waitFor();
    await op.getByLabel('Email').fill('BOB@example.com');
    await op.getByRole('button', { name: 'Find' }).click();
    await op.getByRole('link', { name: 'bob@example.com' }).click();
    await op.getByRole('heading', { name: 'bob@example.com' }).waitFor();
    await op
      .getByTestId('membership-row')
      .filter({ hasText: 'Engineering' })
      .getByText('developer', { exact: true })
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
    const csv = (await downloadedText(download)).trim().split('\r\n');
    expect(csv[0]).toMatch(/^time,action,/);
    expect(csv).toHaveLength(expectedCount + 1);
    expect(csv.slice(1).every((line) => line.includes(`,${correlationId},`))).toBe(true);
    await op.getByText('Download started: every event of the current filter, newest first.').waitFor();

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
      `browser suite: ${captureStats().shots} pages captured in ${((Date.now() - started) / 1000).toFixed(1)} s (screenshots and axe: ${(captureStats().captureMs / 1000).toFixed(1)} s)\n`,
    );
  },
  TEST_TIMEOUT_MS,
);

test(
  'overview, the why, members by hand, link editing, audit filters, own page; keyboard and phone width',
  async () => {
    const started = Date.now();
    const ui = (path: string) => `${service.base}/admin${path}`;
    // Set up through the API: a workspace, the development IdP with an admin group, two groups, a link.
    await opApi('POST', '/tenants', { slug: 'beta', name: 'Beta' });
    const metadataXml = await (await fetch(`${service.base}/dev-idp/metadata`)).text();
    await opApi('POST', '/tenants/beta/identity-providers', {
      slug: 'dev',
      type: 'saml',
      metadataXml,
      groupSync: { adminGroups: ['beta-admins'] },
    });
    const eng = await opApi('POST', '/tenants/beta/groups', { name: 'Engineering' });
    await opApi('POST', '/tenants/beta/groups', { name: 'Backend', parentId: eng.id });
    await opApi('POST', `/tenants/beta/groups/${eng.id}/links`, {
      externalGroup: 'engineering',
      role: 'developer',
    });
    await opApi('POST', '/tenants/beta/users', { email: 'carol@example.com' });

    const admin = await browser();
    await devIdpSignIn(
      admin,
      '/admin/t/beta/overview',
      'dana@example.com',
      [],
      ['engineering', 'beta-admins'],
      'beta',
    );
    const idpRow = admin.getByTestId('overview-idp').filter({ hasText: 'dev' });
    await idpRow.waitFor();
    expect(await idpRow.locator('td').first().textContent()).not.toBe('never');
    await admin.getByTestId('last-24h').getByText('Sign-ins', { exact: true }).waitFor();
    await capture(admin, 'overview');

    // Keyboard: the navigation is reachable with Tab, shows its focus, and opens with Enter.
    await admin.keyboard.press('Tab');
    let focusedUsers = false;
    for (let i = 0; i < 12 && !focusedUsers; i++) {
      focusedUsers = await admin.evaluate(() => document.activeElement?.textContent === 'Users');
      if (!focusedUsers) await admin.keyboard.press('Tab');
    }
    expect(focusedUsers).toBe(true);
    const outline = await admin.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    expect(outline).not.toBe('none');
    await admin.keyboard.press('Enter');
    await admin.waitForURL(ui('/t/beta/users'));

    // The user page answers why: the claim value, the link, the role, when it was last confirmed.
    await admin.getByTestId('user-row').getByRole('link', { name: 'dana@example.com' }).click();
    const why = admin.getByTestId('membership-row').filter({ hasText: 'Engineering' });
    await why
      .getByText('group claim "engineering" from dev matched the link "engineering" → developer')
      .waitFor();
    await expect(why.textContent()).resolves.toMatch(/sign-in through dev/);
    await admin.getByTestId('inherited').getByText('Backend as developer (from Engineering)').waitFor();
    await capture(admin, 'user-why');

    // Block and unblock someone, and make them admin by hand.
    await admin.goto(ui('/t/beta/users?email=carol@example.com'));
    await admin.getByRole('link', { name: 'carol@example.com' }).click();
    await admin.getByRole('button', { name: 'Block' }).click();
    await admin.getByRole('button', { name: 'Unblock' }).waitFor();
    await admin.getByRole('button', { name: 'Unblock' }).click();
    await admin.getByRole('button', { name: 'Make admin' }).click();
    await admin.getByText('Yes (set by hand)').waitFor();
    await capture(admin, 'user-admin-by-hand');

    // Members by hand: the sync warning, add with a role, then remove after the inline question.
    await admin.goto(ui(`/t/beta/groups/${eng.id}`));
    await admin.getByTestId('sync-warning').waitFor();
    await admin.getByLabel('Email').fill('carol@example.com');
    await admin.getByLabel('Role', { exact: true }).selectOption('reporter');
    await admin.getByRole('button', { name: 'Save member' }).click();
    const carol = admin.getByTestId('member-row').filter({ hasText: 'carol@example.com' });
    await expect(
      carol
        .filter({ hasText: /reporter\s*manual/ })
        .first()
        .waitFor(),
    ).resolves.toBeUndefined();
    await capture(admin, 'group-members-manual');
    await admin.getByRole('button', { name: 'Remove carol@example.com' }).click();
    await admin.getByTestId('remove-member').getByRole('button', { name: 'Remove', exact: true }).click();
    await carol.waitFor({ state: 'detached' });

    // Editing a link previews the re-role before saving it.
    await admin.getByRole('tab', { name: 'Group links' }).click();
    await admin.getByRole('button', { name: 'Edit link engineering' }).click();
    const editor = admin.getByTestId('edit-link');
    await editor.getByLabel('Role').selectOption('maintainer');
    await editor.getByRole('button', { name: 'Preview impact' }).click();
    await editor.getByTestId('impact-preview').getByText('developer → maintainer').waitFor();
    await capture(admin, 'link-edit-preview');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await admin.getByTestId('link-row').filter({ hasText: 'maintainer' }).waitFor();

    // Audit: filtered by IdP; a sign-in's summary expands to its changes and their reasons.
    await admin.getByRole('link', { name: 'Audit log' }).click();
    await admin.getByLabel('Identity provider').selectOption('dev');
    await admin.getByRole('button', { name: 'Filter' }).click();
    const signIn = admin.getByTestId('audit-row').filter({ hasText: 'sync.applied' }).first();
    await signIn.getByText(/Sign-in through dev: 1 added/).waitFor();
    await signIn.getByRole('button', { name: 'Details' }).click();
    await admin
      .getByTestId('sign-in-changes')
      .getByText(/added:.*Engineering/)
      .waitFor();
    await capture(admin, 'audit-sign-in-changes');

    // The signed-in person's own page: groups and roles, the last sign-in's changes, sign-out.
    await admin.goto(ui('/t/beta/me'));
    await admin.getByTestId('my-group').filter({ hasText: 'Engineering' }).waitFor();
    await admin.getByText(/Your last sign-in/).waitFor();
    await capture(admin, 'me');

    // Deleting a group that has a link: the dry run's list first, then "Delete anyway" (force).
    const retired = await opApi('POST', '/tenants/beta/groups', { name: 'Retired' });
    await opApi('POST', `/tenants/beta/groups/${retired.id}/links`, {
      externalGroup: 'retired',
      role: 'guest',
    });
    await admin.goto(ui(`/t/beta/groups/${retired.id}`));
    await admin.getByRole('button', { name: 'Delete…' }).click();
    await admin.getByTestId('delete-preview').getByText('This also deletes: 1 group link.').waitFor();
    await capture(admin, 'group-delete-preview');
    await admin.getByRole('button', { name: 'Delete anyway' }).click();
    await admin.getByRole('link', { name: 'Engineering', exact: true }).waitFor(); // back on the list
    await admin.getByRole('link', { name: 'Retired', exact: true }).waitFor({ state: 'detached' });

    // A phone's width: no page scrolls sideways (wide tables scroll in their own box).
    await admin.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/t/beta/overview', `/t/beta/groups/${eng.id}`, '/t/beta/users', '/t/beta/me']) {
      await admin.goto(ui(path));
      await admin.locator('main').first().waitFor();
      await admin.waitForLoadState('networkidle');
      const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect({ path, overflow }).toEqual({ path, overflow: 0 });
      await capture(admin, `phone${path.replace(/\//g, '-')}`);
    }
    await admin.setViewportSize({ width: 1280, height: 900 });
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.getByText('You are not signed in to beta').waitFor();

    expect(problems).toEqual([]);
    expect(seriousViolations).toEqual([]);
    process.stdout.write(`browser suite (new pages): ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  },
  TEST_TIMEOUT_MS,
);
