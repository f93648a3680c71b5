import request from 'supertest';
import { Membership } from '../../src/groups/membership.entity';
import { User } from '../../src/users/user.entity';
import { newGroup, newGroupLink } from '../support/factories';
import { createSamlIdp, TestSamlIdp } from '../support/saml-idp';
import { startTestApp, TestApp } from '../support/test-app';

const TENANT = 'claim-markers';

// Two engine rules through the real SAML sign-in (samlify IdP, ACS, sync, membership rows): a plain
// group name that starts like a DN is not one, and a true `hasgroups` in any spelling means overage.
describe('claim edge cases through SAML sign-in', () => {
  let t: TestApp;
  let idp: TestSamlIdp;
  let spMetadata: string;
  const acsUrl = `http://sso.test/sso/${TENANT}/corp/acs`;
  let cnAdmins: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    idp = createSamlIdp('http://idp.corp.example/claim-markers');
    await t.op.post('/api/v1/tenants').send({ slug: TENANT, name: 'Claim markers' }).expect(201);
    await t.op
      .post(`/api/v1/tenants/${TENANT}/identity-providers`)
      .send({
        slug: 'corp',
        type: 'saml',
        metadataXml: idp.metadataXml,
        allowIdpInitiated: true,
        groupSync: { claims: ['groups'], dnCommonName: true },
      })
      .expect(201);
    spMetadata = (await request(t.http).get(`/sso/${TENANT}/corp/metadata`).expect(200)).text;
    cnAdmins = await newGroup(t, TENANT, { name: 'CN Admins' });
    await newGroupLink(t, TENANT, cnAdmins.id, { externalGroup: 'CN Admins', role: 'developer' });
    // What "CN Admins" would become if it were misread as a DN with its first three characters cut.
    const dmins = await newGroup(t, TENANT, { name: 'dmins' });
    await newGroupLink(t, TENANT, dmins.id, { externalGroup: 'dmins', role: 'owner' });
  });
  afterAll(async () => t.close());

  const signIn = async (attributes: Record<string, string[]>) =>
    request(t.http)
      .post(`/sso/${TENANT}/corp/acs`)
      .type('form')
      .send({
        SAMLResponse: await idp.respond(spMetadata, acsUrl, { nameId: 'kim@corp.example', attributes }),
      });

  const memberships = async () => {
    const kim = await t.dataSource.getRepository(User).findOneByOrFail({ email: 'kim@corp.example' });
    const rows = await t.dataSource.getRepository(Membership).findBy({ userId: kim.id });
    return rows.map((m) => [m.groupId, m.role]);
  };

  it('"CN Admins" is a plain group name under dnCommonName, not a DN', async () => {
    expect((await signIn({ groups: ['CN Admins'] })).status).toBe(302);
    expect(await memberships()).toEqual([[cnAdmins.id, 'developer']]);
  });

  it('hasgroups "True" marks the claim as truncated: a list without the group then removes nobody', async () => {
    expect((await signIn({ groups: ['Other'], hasgroups: ['True'] })).status).toBe(302);
    expect(await memberships()).toEqual([[cnAdmins.id, 'developer']]);
    // The same list without the marker is complete, and removes.
    expect((await signIn({ groups: ['Other'] })).status).toBe(302);
    expect(await memberships()).toEqual([]);
  });
});
