import request from 'supertest';
import { Membership } from '../../src/groups/membership.entity';
import { User } from '../../src/users/user.entity';
import { expectErrorShape, newApiKey, newGroup, newGroupLink, newTenant } from '../support/factories';
import { createSamlIdp, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';

const TENANT = 'pattern-links';

// Glob and regex links end to end: created through the API (refused when invalid or unsafe), then a
// real SAML sign-in (samlify IdP, ACS) whose groups match them, the memberships, the audit reasons,
// the capture mapping, the previews and the why answer naming the pattern; and tenant isolation.
describe('pattern links (glob, regex, capture) through the API and a SAML sign-in', () => {
  let t: TestApp;
  let idp: TestSamlIdp;
  let spMetadata: string;
  const acsUrl = `http://sso.test/sso/${TENANT}/corp/acs`;
  let eng: { id: string };
  let teams: { id: string };
  let blue: { id: string };
  let red: { id: string };
  const links = (groupId: string) => `/api/v1/tenants/${TENANT}/groups/${groupId}/links`;

  beforeAll(async () => {
    t = await startTestApp();
    idp = createSamlIdp('http://idp.corp.example/pattern-links');
    await t.op.post('/api/v1/tenants').send({ slug: TENANT, name: 'Pattern links' }).expect(201);
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({
        slug: 'corp',
        type: 'saml',
        metadataXml: idp.metadataXml,
        allowIdpInitiated: true,
        groupSync: { claims: ['groups'], caseSensitive: false },
      })
      .expect(201);
    spMetadata = (await request(t.http).get(`/sso/${TENANT}/corp/metadata`).expect(200)).text;
    eng = await newGroup(t, TENANT, { name: 'Engineering' });
    teams = await newGroup(t, TENANT, { name: 'Teams' });
    blue = await newGroup(t, TENANT, { name: 'Blue' });
    red = await newGroup(t, TENANT, { name: 'Red' });
  }, 120_000);
  afterAll(async () => t.close());

  const signIn = async (groups: string[]) => {
    const res = await request(t.http)
      .post(`/sso/${TENANT}/corp/acs`)
      .type('form')
      .send({
        SAMLResponse: await idp.respond(spMetadata, acsUrl, {
          nameId: 'kim@corp.example',
          attributes: { groups },
        }),
      });
    expect(res.status).toBe(302);
  };
  const memberships = async () => {
    const kim = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'kim@corp.example' });
    const rows = await t.dataSource.getRepository(Membership).findBy({ userId: kim.id });
    return new Map(rows.map((m) => [m.groupId, m.role]));
  };

  it('refuses invalid and unsafe patterns at save with the reason, and writes nothing', async () => {
    const refused: [object, string][] = [
      [{ externalGroup: '(a)\\1', matchType: 'regex' }, 'RE2 syntax'],
      [{ externalGroup: '(?=eng)eng-.*', matchType: 'regex' }, 'RE2 syntax'],
      [{ externalGroup: 'eng-[', matchType: 'regex' }, 'RE2 syntax'],
      [{ externalGroup: 'a{1000}', matchType: 'regex' }, 'repetition counts above 100'],
      [{ externalGroup: `${'x'.repeat(201)}.*`, matchType: 'regex' }, 'at most 200 characters'],
      [{ externalGroup: 'team-.*', matchType: 'regex', targetFromCapture: true }, 'capturing group'],
      [{ externalGroup: 'eng-*', matchType: 'glob', targetFromCapture: true }, 'needs matchType regex'],
    ];
    for (const [body, reason] of refused) {
      const res = await t.op
        .post(links(eng.id))
        .send({ role: 'developer', ...body })
        .expect(400);
      expectErrorShape(res.body, 400, 'invalid_link_pattern');
      expect(res.body.message).toContain(reason);
    }
    const wrongType = await t.op
      .post(links(eng.id))
      .send({ externalGroup: 'x', role: 'guest', matchType: 'like' });
    expect(wrongType.status).toBe(400);
    expect((await t.op.get(links(eng.id)).expect(200)).body).toEqual([]);
  });

  it('accepts a catastrophic-looking regex (it runs in linear time) and a sign-in with a long group is not stalled', async () => {
    const res = await t.op
      .post(links(eng.id))
      .send({ externalGroup: '(a+)+$', matchType: 'regex', role: 'guest' })
      .expect(201);
    const started = Date.now();
    await signIn([`${'a'.repeat(400)}!`]);
    // generous on a loaded machine; a backtracking engine would not come back at all
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await memberships()).size).toBe(0);
    await t.op.delete(`${links(eng.id)}/${res.body.id}`).expect(204);
  });

  it('glob and regex links grant memberships at sign-in, the audit reasons name the pattern and the claim', async () => {
    const globLink = await newGroupLink(t, TENANT, eng.id, {
      externalGroup: 'eng-*',
      matchType: 'glob',
      role: 'developer',
    });
    expect(globLink).toEqual(expect.objectContaining({ matchType: 'glob', targetFromCapture: false }));
    await newGroupLink(t, TENANT, eng.id, {
      externalGroup: 'leads-[0-9]+',
      matchType: 'regex',
      role: 'maintainer',
    });
    await signIn(['ENG-Backend', 'leads-7', 'sales']);
    expect((await memberships()).get(eng.id)).toBe('maintainer');
    const audit = await t.op
      .get(`/api/v1/tenants/${TENANT}/audit-events?action=membership.added`)
      .expect(200);
    const reason = audit.body.items[0].details.reason as string;
    expect(reason).toContain('"eng-backend" (matches the glob "eng-*", linked as developer)');
    expect(reason).toContain('"leads-7" (matches the regex "leads-[0-9]+", linked as maintainer)');
  });

  it('a capture link maps to the group its capture names, never creates one, and the plan says so', async () => {
    const capture = await newGroupLink(t, TENANT, teams.id, {
      externalGroup: '^team-(.+)$',
      matchType: 'regex',
      targetFromCapture: true,
      role: 'reporter',
    });
    const groupsBefore = (await t.op.get(`/api/v1/tenants/${TENANT}/groups`).expect(200)).body.length;
    await signIn(['eng-x', 'team-BLUE', 'team-green']);
    const now = await memberships();
    expect(now.get(blue.id)).toBe('reporter');
    expect(now.has(teams.id)).toBe(false); // the home group is where the link is listed, not a target
    expect((await t.op.get(`/api/v1/tenants/${TENANT}/groups`).expect(200)).body.length).toBe(groupsBefore);
    const summary = await t.op.get(`/api/v1/tenants/${TENANT}/audit-events?action=sync.applied`).expect(200);
    expect(summary.body.items[0].details.captureMisses).toEqual([
      expect.objectContaining({
        externalGroup: 'team-green',
        linkId: capture.id,
        reason: expect.stringContaining('no group of this workspace is named "green"'),
      }),
    ]);
  });

  it('the sync preview and the why answer name the pattern and the claim it matched', async () => {
    const preview = await t.op
      .post(`/api/v1/tenants/${TENANT}/sync/preview`)
      .send({ idp: 'corp', email: 'kim@corp.example', groups: ['eng-x', 'team-blue', 'team-red'] })
      .expect(200);
    expect(preview.body.adds).toEqual([
      expect.objectContaining({
        groupId: red.id,
        reason: expect.stringContaining(
          'external group "team-red" matches the regex "^team-(.+)$" (capture "red" names the group)',
        ),
      }),
    ]);
    const kim = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'kim@corp.example' });
    const why = await t.op.get(`/api/v1/tenants/${TENANT}/users/${kim.id}/memberships`).expect(200);
    const inBlue = why.body.memberships.find((m: { groupId: string }) => m.groupId === blue.id);
    expect(inBlue.matches).toEqual([
      expect.objectContaining({ matchType: 'regex', value: 'team-blue', externalGroup: '^team-(.+)$' }),
    ]);
    expect(inBlue.why).toContain(
      'group claim "team-blue" from corp matched the regex "^team-(.+)$" (capture "blue" names the group)',
    );
  });

  it('the impact preview of a pattern link names the pattern and the claim', async () => {
    const res = await t.op
      .post(`${links(red.id)}?dryRun=true`)
      .send({ externalGroup: 'eng-?', matchType: 'glob', role: 'guest' })
      .expect(200);
    expect(res.body.impact.usersAffected).toBe(1);
    expect(res.body.impact.affected[0].adds[0].reason).toContain(
      'external group "eng-x" matches the glob "eng-?"',
    );
    const capture = await t.op
      .post(`${links(teams.id)}?dryRun=true`)
      .send({ externalGroup: 'squad-(.+)', matchType: 'regex', targetFromCapture: true, role: 'owner' })
      .expect(200);
    expect(capture.body.impact.usersAffected).toBe(0); // nobody sent a squad-* group
  });

  it('a membership granted by a capture goes when the claim goes; an admin-made one stays', async () => {
    const kim = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'kim@corp.example' });
    await t.op
      .put(`/api/v1/tenants/${TENANT}/groups/${red.id}/members/${kim.id}`)
      .send({ role: 'guest' })
      .expect(200);
    await signIn(['eng-x']);
    const now = await memberships();
    expect(now.has(blue.id)).toBe(false);
    expect(now.get(red.id)).toBe('guest');
    const removed = await t.op
      .get(`/api/v1/tenants/${TENANT}/audit-events?action=membership.removed`)
      .expect(200);
    expect(removed.body.items[0].details.reason).toContain('Removed from "Blue"');
  });

  it("another tenant cannot read or add to this tenant's pattern links, and its own links are its own", async () => {
    const other = await newTenant(t);
    const key = await newApiKey(t, other.slug);
    await key.as('get', links(eng.id)).expect(403);
    await key
      .as('post', links(eng.id))
      .send({ externalGroup: 'x-*', matchType: 'glob', role: 'guest' })
      .expect(403);
    const otherGroup = (
      await key.as('post', `/api/v1/tenants/${other.slug}/groups`).send({ name: 'Blue' }).expect(201)
    ).body as { id: string };
    await key
      .as('post', `/api/v1/tenants/${other.slug}/groups/${otherGroup.id}/links`)
      .send({ externalGroup: '^team-(.+)$', matchType: 'regex', targetFromCapture: true, role: 'owner' })
      .expect(201);
    // The other tenant's capture link names its own "Blue": this tenant's sign-in is not touched.
    await signIn(['team-blue']);
    expect((await memberships()).get(blue.id)).toBe('reporter');
  });

  it('limits a workspace to 100 glob and regex links', async () => {
    const group = await newGroup(t, TENANT, { name: 'Many' });
    const existing = (
      await Promise.all([eng, teams, red, group].map((g) => t.op.get(links(g.id)).expect(200)))
    )
      .flatMap((r) => r.body as { matchType: string }[])
      .filter((l) => l.matchType !== 'exact').length;
    for (let i = existing; i < 100; i++)
      await t.op
        .post(links(group.id))
        .send({ externalGroup: `p${i}-*`, matchType: 'glob', role: 'guest' })
        .expect(201);
    const res = await t.op
      .post(links(group.id))
      .send({ externalGroup: 'one-more-*', matchType: 'glob', role: 'guest' });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('at most 100 glob and regex links');
    // exact links have no such limit
    await t.op.post(links(group.id)).send({ externalGroup: 'one-more', role: 'guest' }).expect(201);
  }, 300_000);
});
