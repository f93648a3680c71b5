import { AuditService } from '../../src/audit/audit.service';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Membership } from '../../src/groups/membership.entity';
import { ExternalMembership } from '../../src/sync/external-membership.entity';
import { Identity } from '../../src/users/identity.entity';
import { User } from '../../src/users/user.entity';
import { newGroup, newGroupLink, newOidcIdp, newTenant } from '../support/factories';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';

describe('SyncService.signIn applies plans transactionally', () => {
  let t: TestApp;
  let slug: string;
  const groupIds: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    slug = (await newTenant(t)).slug;
    await newOidcIdp(t, slug, 'okta');
    await newOidcIdp(t, slug, 'strict', {
      groupSync: { prohibitSignupIfNotInGroup: true, adminGroups: ['Admins'] },
    });
    for (const name of ['Engineering', 'Ops', 'Sales'])
      groupIds[name] = (await newGroup(t, slug, { name })).id;
    await newGroupLink(t, slug, groupIds.Engineering, { externalGroup: 'Devs', role: 'developer' });
    await newGroupLink(t, slug, groupIds.Engineering, { externalGroup: 'Leads', role: 'maintainer' });
    await newGroupLink(t, slug, groupIds.Ops, { externalGroup: 'Ops', role: 'reporter' });
    await newGroupLink(t, slug, groupIds.Sales, { externalGroup: 'Sales', role: 'guest', idp: 'strict' });
  });
  afterAll(async () => t.close());

  const memberships = async (userId: string) =>
    (await t.dataSource.getRepository(Membership).find({ where: { userId } }))
      .map((m) => [Object.keys(groupIds).find((k) => groupIds[k] === m.groupId), m.role, m.source])
      .sort();
  const auditCount = async (userId: string) => t.dataSource.getRepository(AuditEvent).countBy({ userId });

  it('creates the user just in time with memberships, identity, stored claims and an audit trail', async () => {
    const out = await signIn(t, slug, 'okta', { email: 'Ada@Example.com', externalId: 'okta|ada' }, [
      'Devs',
      'Leads',
      'Ops',
      'Unknown',
    ]);
    expect(out.status).toBe('signed-in');
    if (out.status !== 'signed-in') return;
    expect(out.user.email).toBe('ada@example.com');
    expect(await memberships(out.user.id)).toEqual([
      ['Engineering', 'maintainer', 'sync'],
      ['Ops', 'reporter', 'sync'],
    ]);
    const identity = await t.dataSource.getRepository(Identity).findOneByOrFail({ userId: out.user.id });
    expect(identity).toEqual(expect.objectContaining({ externalId: 'okta|ada', claimStatus: 'present' }));
    const stored = await t.dataSource
      .getRepository(ExternalMembership)
      .find({ where: { userId: out.user.id } });
    expect(stored.map((s) => s.externalGroup).sort()).toEqual(['Devs', 'Leads', 'Ops', 'Unknown']);
    const events = await t.dataSource
      .getRepository(AuditEvent)
      .find({ where: { userId: out.user.id }, order: { id: 'ASC' } });
    expect(events.map((e) => e.action)).toEqual([
      'user.created',
      'identity.linked',
      'membership.added',
      'membership.added',
      'sync.applied',
    ]);
    expect(events.every((e) => e.actorType === 'idp' && e.correlationId === 'sign-in')).toBe(true);
    const added = events.find((e) => e.action === 'membership.added' && e.targetId === groupIds.Engineering)!;
    expect(added.details).toEqual(
      expect.objectContaining({ trigger: 'sign-in', idp: 'okta', reason: expect.stringContaining('Leads') }),
    );
    expect(events[4].details).toEqual(
      expect.objectContaining({ adds: 2, removals: 0, complete: true, signup: 'create' }),
    );
  });

  it('a second sign-in with the same groups changes nothing and writes only the summary', async () => {
    const before = await signIn(t, slug, 'okta', { email: 'bob@example.com' }, ['Devs']);
    if (before.status !== 'signed-in') throw new Error('expected sign-in');
    const count = await auditCount(before.user.id);
    const again = await signIn(t, slug, 'okta', { email: 'bob@example.com' }, ['Devs']);
    expect(again.status).toBe('signed-in');
    expect(await auditCount(before.user.id)).toBe(count + 1);
    const last = await t.dataSource
      .getRepository(AuditEvent)
      .findOne({ where: { userId: before.user.id }, order: { id: 'DESC' } });
    expect(last?.action).toBe('sync.applied');
    expect(await memberships(before.user.id)).toEqual([['Engineering', 'developer', 'sync']]);
  });

  it('re-roles and removes as the groups change; an overage claim adds but never removes', async () => {
    const who = { email: 'cy@example.com' };
    const first = await signIn(t, slug, 'okta', who, ['Leads', 'Ops']);
    if (first.status !== 'signed-in') throw new Error('expected sign-in');
    const id = first.user.id;
    await signIn(t, slug, 'okta', who, ['Devs']);
    expect(await memberships(id)).toEqual([['Engineering', 'developer', 'sync']]);
    // truncated claim: Ops is added, nothing is removed although Devs is not in the visible part
    const overage = await signIn(t, slug, 'okta', who, ['Ops'], { overage: true });
    if (overage.status !== 'signed-in') throw new Error('expected sign-in');
    expect(overage.plan.complete).toBe(false);
    expect(await memberships(id)).toEqual([
      ['Engineering', 'developer', 'sync'],
      ['Ops', 'reporter', 'sync'],
    ]);
    const stored = await t.dataSource.getRepository(ExternalMembership).find({ where: { userId: id } });
    expect(stored.map((s) => s.externalGroup).sort()).toEqual(['Devs', 'Ops']); // incomplete lists only add
    // the SAML overage marker alone (no explicit flag) is detected too
    const marked = await signIn(t, slug, 'okta', who, [], {
      extraAttributes: {
        'http://schemas.microsoft.com/claims/groups.link': [
          'https://graph.windows.net/t/users/u/getMemberObjects',
        ],
      },
    });
    if (marked.status !== 'signed-in') throw new Error('expected sign-in');
    expect(marked.plan).toEqual(
      expect.objectContaining({ claimStatus: 'overage', complete: false, removals: [] }),
    );
    expect(await memberships(id)).toHaveLength(2);
    // an absent claim (missingClaim: keep) removes nothing either
    await signIn(t, slug, 'okta', who, undefined);
    expect(await memberships(id)).toHaveLength(2);
    // a complete empty list removes both
    await signIn(t, slug, 'okta', who, []);
    expect(await memberships(id)).toEqual([]);
  });

  it('denies signup when in no group of the workspace and writes nothing but the audit event', async () => {
    const users = await t.dataSource.getRepository(User).count();
    const denied = await signIn(t, slug, 'strict', { email: 'eve@example.com' }, ['Marketing']);
    expect(denied).toEqual(
      expect.objectContaining({
        status: 'denied',
        reason: 'your account is not in any group of this workspace',
      }),
    );
    expect(await t.dataSource.getRepository(User).count()).toBe(users);
    expect(await t.dataSource.getRepository(ExternalMembership).countBy({ externalGroup: 'Marketing' })).toBe(
      0,
    );
    const event = await t.dataSource
      .getRepository(AuditEvent)
      .findOne({ where: { action: 'sync.signup_denied' }, order: { id: 'DESC' } });
    expect(event?.details).toEqual(
      expect.objectContaining({ email: 'eve@example.com', externalGroups: ['Marketing'] }),
    );
  });

  it('grants admin from an admin group and revokes it when the group is gone', async () => {
    const who = { email: 'root@example.com' };
    const granted = await signIn(t, slug, 'strict', who, ['Sales', 'Admins']);
    if (granted.status !== 'signed-in') throw new Error('expected sign-in');
    expect(await t.dataSource.getRepository(User).findOneByOrFail({ id: granted.user.id })).toEqual(
      expect.objectContaining({ isAdmin: true, adminSource: 'sync' }),
    );
    await signIn(t, slug, 'strict', who, ['Sales']);
    expect((await t.dataSource.getRepository(User).findOneByOrFail({ id: granted.user.id })).isAdmin).toBe(
      false,
    );
  });

  it('refuses a blocked user and changes nothing', async () => {
    const out = await signIn(t, slug, 'okta', { email: 'mallory@example.com' }, ['Devs']);
    if (out.status !== 'signed-in') throw new Error('expected sign-in');
    await t.dataSource.getRepository(User).update({ id: out.user.id }, { status: 'blocked' });
    const refused = await signIn(t, slug, 'okta', { email: 'mallory@example.com' }, ['Leads', 'Ops']);
    expect(refused).toEqual(
      expect.objectContaining({ status: 'denied', reason: 'your account is blocked in this workspace' }),
    );
    expect(await memberships(out.user.id)).toEqual([['Engineering', 'developer', 'sync']]);
  });

  it('leaves the previous state when the apply fails midway', async () => {
    const who = { email: 'dan@example.com' };
    const first = await signIn(t, slug, 'okta', who, ['Devs']);
    if (first.status !== 'signed-in') throw new Error('expected sign-in');
    const audit = t.app.get(AuditService);
    // The audit trail is made last, after memberships and stored claims: failing there proves the rollback.
    const spy = jest.spyOn(audit, 'rows').mockImplementationOnce(() => {
      throw new Error('audit store down');
    });
    await expect(signIn(t, slug, 'okta', who, ['Leads', 'Ops'])).rejects.toThrow('audit store down');
    spy.mockRestore();
    expect(await memberships(first.user.id)).toEqual([['Engineering', 'developer', 'sync']]);
    const stored = await t.dataSource
      .getRepository(ExternalMembership)
      .find({ where: { userId: first.user.id } });
    expect(stored.map((s) => s.externalGroup)).toEqual(['Devs']);
    // and a failing first sign-in leaves no user behind
    const spy2 = jest.spyOn(audit, 'rows').mockImplementationOnce(() => {
      throw new Error('audit store down');
    });
    await expect(signIn(t, slug, 'okta', { email: 'ghost@example.com' }, ['Devs'])).rejects.toThrow();
    spy2.mockRestore();
    expect(await t.dataSource.getRepository(User).countBy({ email: 'ghost@example.com' })).toBe(0);
  });

  it('two concurrent sign-ins of one user end in a consistent state', async () => {
    const who = { email: 'race@example.com', externalId: 'race' };
    const results = await Promise.all([
      signIn(t, slug, 'okta', who, ['Devs', 'Ops']),
      signIn(t, slug, 'okta', who, ['Leads']),
      signIn(t, slug, 'okta', who, ['Devs', 'Ops']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['signed-in', 'signed-in', 'signed-in']);
    const users = await t.dataSource.getRepository(User).findBy({ email: 'race@example.com' });
    expect(users).toHaveLength(1);
    expect(await t.dataSource.getRepository(Identity).countBy({ userId: users[0].id })).toBe(1);
    const state = await memberships(users[0].id);
    // whichever ran last wins, completely: never a mix of the two
    expect([
      JSON.stringify([
        ['Engineering', 'developer', 'sync'],
        ['Ops', 'reporter', 'sync'],
      ]),
      JSON.stringify([['Engineering', 'maintainer', 'sync']]),
    ]).toContain(JSON.stringify(state));
    // and one more sign-in with the same groups as the final state plans nothing
    const stored = (
      await t.dataSource.getRepository(ExternalMembership).find({ where: { userId: users[0].id } })
    ).map((s) => s.externalGroup);
    const again = await signIn(t, slug, 'okta', who, stored);
    if (again.status !== 'signed-in') throw new Error('expected sign-in');
    expect(again.plan.adds.length + again.plan.roleChanges.length + again.plan.removals.length).toBe(0);
  });
});
