import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigAsCodeService } from '../../src/config-as-code/config-as-code.service';
import { ConfigOnBoot } from '../../src/config-as-code/config-on-boot';
import request from 'supertest';
import { ConfigDocumentError, readConfigDocument } from '../../src/config-as-code/document';
import { CONFIG_SCHEMA } from '../../src/config-as-code/schema';
import { type AuditEventBody, newGroup, newTenant, unique } from '../support/factories';
import { ensureServerBuilt } from '../support/service-process';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

const SECRET = 'client-secret-from-env';

/** A document for one tenant: an OIDC IdP (secret from the environment), a role, two groups, links. */
function document(slug: string, opts: { role?: string; extraLink?: boolean; secret?: string } = {}) {
  return `version: 1
tenants:
  - slug: ${slug}
    name: Config ${slug}
    settings:
      lockSyncedMemberships: true
    roles:
      - name: auditor
        rank: 25
    identityProviders:
      - slug: entra
        type: oidc
        issuer: https://login.example.com/tenant/v2.0
        clientId: app-id
        clientSecret: ${opts.secret ?? '${env:CFG_TEST_SECRET}'}
        groupSync:
          removal: enforce
    groups:
      - name: Engineering
        description: builds things
        links:
          - externalGroup: eng
            idp: entra
            role: ${opts.role ?? 'developer'}
${
  opts.extraLink === false
    ? ''
    : `      - name: Platform
        parent: Engineering
        links:
          - externalGroup: plat
            role: auditor
`
}`;
}

const env = { CFG_TEST_SECRET: SECRET };

describe('configuration as code', () => {
  let t: TestApp;
  let service: ConfigAsCodeService;
  beforeAll(async () => {
    t = await startTestApp();
    service = t.app.get(ConfigAsCodeService);
  });
  afterAll(() => t.close());

  const read = (text: string, vars: NodeJS.ProcessEnv = env) => readConfigDocument('cfg.yaml', text, vars);
  const apply = (text: string, prune = false) => service.apply(read(text), { prune, source: 'config test' });
  const events = async (slug: string) =>
    (await t.op.get(`/api/v1/tenants/${slug}/audit-events?limit=200`).expect(200)).body
      .items as AuditEventBody[];
  const eventCount = async (slug: string) => (await events(slug)).length;

  it('plans every add on an empty database and writes nothing; apply writes, audited as config; a second apply changes nothing', async () => {
    const slug = unique('cfg');
    const plan = await service.plan(read(document(slug)), { prune: false });
    expect(plan.tenants[0].changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      `add tenant ${slug}`,
      'add role auditor',
      'add group Engineering',
      'add group Platform',
      'add identity_provider entra',
      'add group_link Engineering <- entra:eng',
      'add group_link Platform <- *:plat',
    ]);
    expect(plan.pending).toBe(7);
    await t.op.get(`/api/v1/tenants/${slug}`).expect(404);

    const applied = await apply(document(slug));
    expect(applied.pending).toBe(7);
    const idp = await t.op.get(`/api/v1/tenants/${slug}/identity-providers/entra`).expect(200);
    expect(idp.body).toMatchObject({
      clientId: 'app-id',
      hasClientSecret: true,
      groupSync: { removal: 'enforce' },
    });
    const groups = await t.op.get(`/api/v1/tenants/${slug}/groups`).expect(200);
    const byName = new Map(
      (groups.body as { id: string; name: string; parentId: string | null }[]).map((g) => [g.name, g]),
    );
    expect(byName.get('Platform')!.parentId).toBe(byName.get('Engineering')!.id);
    const written = await events(slug);
    expect(written).toHaveLength(7);
    expect(new Set(written.map((e) => `${String(e.actor.type)}/${String(e.actor.label)}`))).toEqual(
      new Set(['config/config test']),
    );

    const again = await apply(document(slug));
    expect(again.pending).toBe(0);
    expect(again.tenants[0].changes).toEqual([]);
    expect(await eventCount(slug)).toBe(7);
  });

  it('export writes secrets as references; applying the export changes nothing (round trip)', async () => {
    const slug = unique('cfg');
    await apply(document(slug));
    const exported = await service.export(slug);
    expect(exported).not.toContain(SECRET);
    const variable = `GROUPSYNC_${slug.toUpperCase().replace(/-/g, '_')}_ENTRA_CLIENT_SECRET`;
    expect(exported).toContain(`clientSecret: \${env:${variable}}`);
    const spec = readConfigDocument('export.yaml', exported, { [variable]: SECRET });
    expect((await service.plan(spec, { prune: true })).pending).toBe(0);
    const before = await eventCount(slug);
    expect((await service.apply(spec, { prune: true, source: 'export' })).pending).toBe(0);
    expect(await eventCount(slug)).toBe(before);
    // a changed secret is a change, shown without its value
    const rotated = readConfigDocument('export.yaml', exported, { [variable]: 'rotated' });
    const plan = await service.plan(rotated, { prune: false });
    expect(plan.tenants[0].changes).toEqual([
      {
        action: 'change',
        kind: 'identity_provider',
        name: 'entra',
        fields: [{ field: 'clientSecret', from: '(secret)', to: '(secret)' }],
      },
    ]);
    expect(JSON.stringify(plan)).not.toContain('rotated');
  });

  it('an IdP change updates only what differs, through the API service and its audit', async () => {
    const slug = unique('cfg');
    await apply(document(slug));
    const before = await eventCount(slug);
    const changed = document(slug).replace('removal: enforce', 'removal: never');
    const spec = read(changed, { CFG_TEST_SECRET: 'rotated-secret' });
    const result = await service.apply(spec, { prune: false, source: 'config test' });
    expect(result.tenants[0].changes).toEqual([
      {
        action: 'change',
        kind: 'identity_provider',
        name: 'entra',
        fields: [
          {
            field: 'groupSync',
            from: expect.objectContaining({ removal: 'enforce' }),
            to: { removal: 'never' },
          },
          { field: 'clientSecret', from: '(secret)', to: '(secret)' },
        ],
      },
    ]);
    const idp = await t.op.get(`/api/v1/tenants/${slug}/identity-providers/entra`).expect(200);
    expect(idp.body.groupSync).toMatchObject({ removal: 'never', jit: true });
    const latest = (await events(slug)).slice(0, (await eventCount(slug)) - before);
    expect(latest.map((e) => [e.action, e.details])).toEqual([
      ['identity_provider.updated', { clientSecretChanged: true }],
    ]);
    expect(
      (await service.plan(read(changed, { CFG_TEST_SECRET: 'rotated-secret' }), { prune: false })).pending,
    ).toBe(0);
  });

  it('default memberships name groups of the document: stored as ids, exported as names, a role change is one change', async () => {
    const slug = unique('cfg');
    const withDefaults = (role: string, group = 'Platform') =>
      document(slug).replace(
        'removal: enforce',
        `removal: enforce\n          defaultMemberships:\n            - group: ${group}\n              role: ${role}`,
      );
    const added = await apply(withDefaults('guest'));
    expect(added.pending).toBe(7);
    const groups = (await t.op.get(`/api/v1/tenants/${slug}/groups`).expect(200)).body as { id: string; name: string }[];
    const platform = groups.find((g) => g.name === 'Platform')!;
    const idp = await t.op.get(`/api/v1/tenants/${slug}/identity-providers/entra`).expect(200);
    expect(idp.body.groupSync.defaultMemberships).toEqual([{ groupId: platform.id, role: 'guest' }]);
    expect((await apply(withDefaults('guest'))).pending).toBe(0);

    const exported = await service.export(slug);
    expect(exported).toContain('defaultMemberships:\n            - group: Platform\n              role: guest');
    expect(exported).not.toContain(platform.id);

    const before = await eventCount(slug);
    const changed = await apply(withDefaults('developer'));
    expect(changed.tenants[0].changes).toEqual([
      {
        action: 'change',
        kind: 'identity_provider',
        name: 'entra',
        fields: [
          {
            field: 'groupSync',
            from: expect.objectContaining({ defaultMemberships: [{ group: 'Platform', role: 'guest' }] }),
            to: { removal: 'enforce', defaultMemberships: [{ group: 'Platform', role: 'developer' }] },
          },
        ],
      },
    ]);
    const after = await t.op.get(`/api/v1/tenants/${slug}/identity-providers/entra`).expect(200);
    expect(after.body.groupSync.defaultMemberships).toEqual([{ groupId: platform.id, role: 'developer' }]);
    expect(await eventCount(slug)).toBe(before + 1);

    // A group the document does not have is refused with its position; an unknown role by the API.
    expect(() => read(withDefaults('guest', 'Nowhere'))).toThrow(
      'cfg.yaml:19:22: tenants.0.identityProviders.0.groupSync.defaultMemberships.0.group: no group "Nowhere" in this tenant',
    );
    await expect(apply(withDefaults('emperor'))).rejects.toThrow(/defaultMemberships.role must be one of guest, /);
    expect(await eventCount(slug)).toBe(before + 1);
  });

  it('a link change shows its impact on existing members; --prune deletes; another tenant is untouched', async () => {
    const other = await newTenant(t);
    const otherGroup = await newGroup(t, other.slug, { name: 'Engineering' });
    const otherEvents = await eventCount(other.slug);
    const slug = unique('cfg');
    await apply(document(slug));
    await signIn(t, slug, 'entra', { email: 'alice@example.com' }, ['eng']);
    await signIn(t, slug, 'entra', { email: 'bob@example.com' }, ['plat']);

    const plan = await service.plan(read(document(slug, { role: 'maintainer', extraLink: false })), {
      prune: false,
    });
    const changes = plan.tenants[0].changes;
    expect(changes.find((c) => c.kind === 'group_link' && c.action === 'change')).toEqual({
      action: 'change',
      kind: 'group_link',
      name: 'Engineering <- entra:eng',
      fields: [{ field: 'role', from: 'developer', to: 'maintainer' }],
      impact: {
        usersEvaluated: 1,
        usersAffected: 1,
        added: [],
        reRoled: ['alice@example.com'],
        removed: [],
        truncated: false,
      },
    });
    const deletes = changes.filter((c) => c.action === 'delete');
    expect(deletes.map((c) => [c.kind, c.name, c.skipped])).toEqual([
      ['group_link', 'Platform <- *:plat', true],
      ['group', 'Platform', true],
    ]);
    expect(deletes[0].impact).toMatchObject({ removed: ['bob@example.com'] });
    expect(plan.pending).toBe(1);

    // without --prune the deletes wait; the group with a member is refused by the safe delete
    await apply(document(slug, { role: 'maintainer', extraLink: false }));
    await t.op
      .get(`/api/v1/tenants/${slug}/groups`)
      .expect(200)
      .expect((r) => expect(r.body).toHaveLength(2));
    await expect(apply(document(slug, { role: 'maintainer', extraLink: false }), true)).rejects.toThrow(
      new RegExp(`^tenant ${slug}: Group "Platform" has 1 member`),
    );
    const groupsAfter = await t.op.get(`/api/v1/tenants/${slug}/groups`).expect(200);
    expect(groupsAfter.body).toHaveLength(2); // the failed apply wrote nothing: the link is still there
    const platform = (groupsAfter.body as { id: string; name: string }[]).find((g) => g.name === 'Platform')!;
    await t.op
      .get(`/api/v1/tenants/${slug}/groups/${platform.id}/links`)
      .expect((r) => expect(r.body).toHaveLength(1));
    const bob = (await t.op.get(`/api/v1/tenants/${slug}/users?email=bob@example.com`).expect(200)).body[0];
    await t.op
      .delete(`/api/v1/tenants/${slug}/groups/${platform.id}/members/${bob.id}?force=true`)
      .expect(204);
    const pruned = await apply(document(slug, { role: 'maintainer', extraLink: false }), true);
    expect(pruned.pending).toBe(2);
    await t.op.get(`/api/v1/tenants/${slug}/groups`).expect((r) => expect(r.body).toHaveLength(1));
    const actions = (await events(slug)).filter((e) => e.actor.type === 'config').map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['group_link.deleted', 'group.deleted', 'group_link.updated']),
    );

    // the other tenant, with a group of the same name, saw nothing
    await t.op.get(`/api/v1/tenants/${other.slug}/groups/${otherGroup.id}`).expect(200);
    expect(await eventCount(other.slug)).toBe(otherEvents);
  });

  it('a bad document is refused with file:line:col errors, from the schema and from the API checks', () => {
    const bad = `version: 1
tenants:
  - slug: Not A Slug
    name: x
    colour: blue
    groups:
      - name: A
        parent: Missing
        links:
          - externalGroup: g
            role: 7
`;
    const error = (() => {
      try {
        read(bad);
      } catch (e) {
        return e as ConfigDocumentError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ConfigDocumentError);
    expect(error.problems).toEqual([
      'cfg.yaml:5:5: tenants.0: unknown field "colour"',
      'cfg.yaml:11:19: tenants.0.groups.0.links.0.role should be string',
    ]);
    const valueErrors = (() => {
      try {
        read(bad.replace('    colour: blue\n', '').replace('role: 7', 'role: developer'));
      } catch (e) {
        return (e as ConfigDocumentError).problems;
      }
      throw new Error('accepted');
    })();
    expect(valueErrors).toEqual([
      expect.stringMatching(/^cfg\.yaml:3:11: tenants\.0\.slug: slug must be 1-63 lowercase/),
      'cfg.yaml:7:17: tenants.0.groups.0.parent: no group "Missing" in this tenant',
    ]);
    expect(() => read('version: 1\ntenants: [\n')).toThrow(/^cfg\.yaml:\d+:\d+: /);
  });

  it('a missing environment secret and an inline secret are refused before anything is written', async () => {
    const slug = unique('cfg');
    expect(() => read(document(slug), {})).toThrow(
      'cfg.yaml:15:23: tenants.0.identityProviders.0.clientSecret: environment variable CFG_TEST_SECRET is not set',
    );
    expect(() => read(document(slug, { secret: 'plain-text-secret' }))).toThrow(
      'cfg.yaml:15:23: tenants.0.identityProviders.0.clientSecret: secrets are never written inline; use a reference like ${env:NAME}',
    );
    await t.op.get(`/api/v1/tenants/${slug}`).expect(404);
  });

  it('publishes its JSON Schema without a credential', async () => {
    const res = await request(t.http).get('/api/v1/config-schema.json').expect(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
  });

  it('CONFIG_FILE is applied at start-up; a bad one fails the start-up hook with one clear message', async () => {
    const slug = unique('cfg');
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'boot.yaml');
    writeFileSync(file, document(slug));
    const booted = await startTestApp({ CONFIG_FILE: file, ...env });
    try {
      const idp = await booted.op.get(`/api/v1/tenants/${slug}/identity-providers/entra`).expect(200);
      expect(idp.body.hasClientSecret).toBe(true);
      const events = (await booted.op.get(`/api/v1/tenants/${slug}/audit-events?limit=50`).expect(200)).body
        .items;
      expect(events[0].actor).toMatchObject({ type: 'config', label: `CONFIG_FILE ${file}` });
    } finally {
      await booted.close();
    }
    // The same start-up hook on the running app (a failed start would leave its app open)
    writeFileSync(file, document(slug).replace('rank: 25', 'rank: 99'));
    const config = { get: () => file } as unknown as ConstructorParameters<typeof ConfigOnBoot>[0];
    const hook = new ConfigOnBoot(config, t.dataSource, service);
    await expect(hook.onApplicationBootstrap()).rejects.toThrow(
      `CONFIG_FILE ${file} was not applied: ${file}:9:15: tenants.0.roles.0.rank: rank must be at most 49`,
    );
  });

  it('runs as a command: plan exits 2 with changes pending, apply 0, plan 0 after; a bad file exits 1', () => {
    ensureServerBuilt();
    const slug = unique('cfg');
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'groupsync.yaml');
    writeFileSync(file, document(slug));
    // CI's second Node loads a better-sqlite3 built for it (test/support/native-override.js).
    const native = process.env.GROUPSYNC_BETTER_SQLITE3;
    const preload = native ? ['-r', join(__dirname, '..', 'support', 'native-override.js')] : [];
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--disable-proto=delete', ...preload, 'dist/config-as-code/cli.js', ...args],
        {
          cwd: join(__dirname, '..', '..'),
          env: {
            PATH: process.env.PATH ?? '',
            ...(native ? { GROUPSYNC_BETTER_SQLITE3: native } : {}),
            DATABASE_URL: t.db.url,
            CFG_TEST_SECRET: SECRET,
            ALLOW_PRIVATE_NETWORK: 'true',
            // The document's OIDC issuer is made up: apply saves it through the API's checks, without
            // the discovery read (as startTestApp).
            IDP_DISCOVERY_CHECK: 'false',
          },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
    const plan = cli('plan', file);
    expect(plan.stdout).toContain(`  + tenant ${slug}\n`);
    expect(plan.stdout).toContain('Plan: 7 to add, 0 to change, 0 to delete.');
    expect(plan.status).toBe(2);
    const applied = cli('apply', file);
    expect(applied.stdout).toContain('Applied: 7 add, 0 change, 0 delete.');
    expect(applied.status).toBe(0);
    const again = cli('plan', file, '--json');
    expect(JSON.parse(again.stdout)).toEqual({ tenants: [{ tenant: slug, changes: [] }], pending: 0 });
    expect(again.status).toBe(0);
    writeFileSync(file, document(slug).replace('rank: 25', 'rank: high'));
    const bad = cli('plan', file);
    expect(bad.stderr.trim()).toBe(`${file}:9:15: tenants.0.roles.0.rank should be integer`);
    expect(bad.status).toBe(1);
  }, 300_000);
});
