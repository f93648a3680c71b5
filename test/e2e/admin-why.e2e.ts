import { startTestApp, TestApp } from '../support/test-app';
import {
  expectErrorShape,
  newApiKey,
  newGroup,
  newGroupLink,
  newOidcIdp,
  newTenant,
  newUser,
} from '../support/factories';
import { signIn } from '../support/sync-helpers';

interface Why {
  groupName: string;
  role: string;
  source: string;
  why: string;
  roleWhy: string;
  linkRole: string | null;
  matches: {
    externalGroup: string;
    label: string | null;
    role: string;
    idp: string;
    via: string;
    value: string;
  }[];
  lastConfirmed: { trigger: string; idp: string } | null;
  lastChange: { action: string; actor: { type: string; label: string | null }; reason: string | null } | null;
}

describe('the "why" API, audit filters (email, group, IdP) and the overview', () => {
  let t: TestApp;
  let slug: string;
  let eng: { id: string };
  let ops: { id: string };
  let bob: { id: string };
  beforeAll(async () => {
    t = await startTestApp();
    slug = (await newTenant(t)).slug;
    await newOidcIdp(t, slug, 'entra');
    await newOidcIdp(t, slug, 'strict', { groupSync: { prohibitSignupIfNotInGroup: true } });
    eng = await newGroup(t, slug, { name: 'Engineering' });
    await newGroup(t, slug, { name: 'Backend', parentId: eng.id });
    ops = await newGroup(t, slug, { name: 'Ops' });
    await newGroupLink(t, slug, eng.id, { externalGroup: 'engineering', role: 'developer' });
    await newGroupLink(t, slug, eng.id, {
      externalGroup: 'leads',
      role: 'maintainer',
      label: 'Team leads',
      idp: 'entra',
    });
    await newGroupLink(t, slug, ops.id, { externalGroup: 'ops', role: 'reporter' });
    await signIn(t, slug, 'entra', { email: 'bob@example.com' }, ['engineering', 'leads', 'unrelated']);
    bob = (await t.op.get(`/api/v1/tenants/${slug}/users?email=bob@example.com`).expect(200)).body[0];
    await t.op
      .put(`/api/v1/tenants/${slug}/groups/${ops.id}/members/${bob.id}`)
      .send({ role: 'guest' })
      .expect(200);
    // Refused: not in any linked group, and the IdP prohibits that sign-up.
    await signIn(t, slug, 'strict', { email: 'eve@example.com' }, ['nothing']);
  });
  afterAll(async () => t.close());

  it('explains each membership: the links and claim values that matched, the role, last confirmation and change', async () => {
    const res = await t.op.get(`/api/v1/tenants/${slug}/users/${bob.id}/memberships`).expect(200);
    const byName = new Map<string, Why>(res.body.memberships.map((m: Why) => [m.groupName, m]));
    const engWhy = byName.get('Engineering')!;
    expect(engWhy).toMatchObject({ role: 'maintainer', source: 'sync', linkRole: 'maintainer' });
    expect(
      engWhy.matches.map((m) => [m.externalGroup, m.label, m.role, m.idp, m.via, m.value]).sort(),
    ).toEqual([
      ['engineering', null, 'developer', 'entra', 'claim', 'engineering'],
      ['leads', 'Team leads', 'maintainer', 'entra', 'claim', 'leads'],
    ]);
    expect(engWhy.why).toContain('group claim "leads" from entra matched the link to "Team leads (leads)"');
    expect(engWhy.roleWhy).toContain('highest role of the matching links');
    expect(engWhy.lastConfirmed).toMatchObject({ trigger: 'sign-in', idp: 'entra' });
    expect(engWhy.lastChange).toMatchObject({
      action: 'membership.added',
      actor: { type: 'idp', label: 'entra' },
    });
    expect(engWhy.lastChange!.reason).toEqual(expect.any(String));

    const opsWhy = byName.get('Ops')!;
    expect(opsWhy).toMatchObject({
      role: 'guest',
      source: 'manual',
      matches: [],
      lastConfirmed: null,
      linkRole: null,
    });
    expect(opsWhy.why).toBe('Added or changed by an administrator');
    expect(opsWhy.lastChange).toMatchObject({ action: 'membership.added', actor: { type: 'operator' } });

    expect(res.body.inherited).toEqual([
      expect.objectContaining({ groupName: 'Backend', role: 'maintainer', fromGroupName: 'Engineering' }),
    ]);
  });

  it('answers 404 for an unknown user and 403 to another tenant, and stays in its tenant', async () => {
    const other = await newTenant(t);
    const stranger = await newUser(t, other.slug);
    const missing = await t.op.get(`/api/v1/tenants/${slug}/users/${stranger.id}/memberships`).expect(404);
    expectErrorShape(missing.body, 404, 'user_not_found');
    const key = await newApiKey(t, other.slug);
    await key.as('get', `/api/v1/tenants/${slug}/users/${bob.id}/memberships`).expect(403);
    await t.op.get(`/api/v1/tenants/${slug}/users/not-a-uuid/memberships`).expect(400);
  });

  it('filters the audit log by email (any case), group and IdP', async () => {
    const events = async (query: string) =>
      (await t.op.get(`/api/v1/tenants/${slug}/audit-events?limit=200&${query}`).expect(200)).body.items as {
        action: string;
        userId: string | null;
        actor: { type: string; label: string };
        target: { type: string; id: string };
      }[];
    const byEmail = await events('email=BOB@Example.com');
    expect(byEmail.length).toBeGreaterThanOrEqual(4);
    expect(byEmail.every((e) => e.userId === bob.id)).toBe(true);
    expect(await events('email=nobody@example.com')).toEqual([]);

    const byGroup = await events(`groupId=${ops.id}`);
    expect(byGroup.map((e) => e.action).sort()).toEqual([
      'group.created',
      'group_link.created',
      'membership.added',
    ]);

    const byIdp = await events('idp=entra');
    expect(new Set(byIdp.map((e) => e.action))).toEqual(
      new Set([
        'identity_provider.created',
        'identity.linked',
        'sync.applied',
        'membership.added',
        'user.created',
      ]),
    );
    expect(byIdp.filter((e) => e.actor.type === 'idp').every((e) => e.actor.label === 'entra')).toBe(true);
    const strict = await events('idp=strict');
    expect(strict.map((e) => e.action).sort()).toEqual(['identity_provider.created', 'sync.signup_denied']);
    expect(await events('idp=unknown')).toEqual([]);
    for (const bad of ['email=' + 'x'.repeat(400), 'groupId=nope', 'idp=Not_A_Slug'])
      expectErrorShape((await t.op.get(`/api/v1/tenants/${slug}/audit-events?${bad}`).expect(400)).body, 400);
  });

  it('gives the overview: per IdP the last sign-in and refusal, and the last 24 hours', async () => {
    const res = await t.op.get(`/api/v1/tenants/${slug}/overview`).expect(200);
    const [entra, strict] = res.body.identityProviders;
    expect(entra).toMatchObject({ slug: 'entra', lastRefusal: null, lastScimRequestAt: null });
    expect(entra.lastSignIn).toMatchObject({ userId: bob.id });
    expect(strict).toMatchObject({ slug: 'strict', lastSignIn: null });
    expect(strict.lastRefusal.reason).toEqual(expect.any(String));
    expect(res.body.last24h).toEqual({
      signIns: 1,
      refusals: 1,
      membershipsAdded: 2,
      roleChanges: 0,
      membershipsRemoved: 0,
      adminChanges: 0,
    });
    const other = await newTenant(t);
    const empty = await t.op.get(`/api/v1/tenants/${other.slug}/overview`).expect(200);
    expect(empty.body.identityProviders).toEqual([]);
    expect(empty.body.last24h.signIns).toBe(0);
  });
});
