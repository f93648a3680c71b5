import { startTestApp, TestApp } from '../support/test-app';
import { auditActions, expectErrorShape, newGroup, newTenant, newUser } from '../support/factories';

// The last-owner rule holds on every path that can take an owner away, the user delete included.
describe('DELETE /users/:id and the last-owner rule', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it("refuses to delete a group's only owner (409, nothing written), and deletes once another owner exists", async () => {
    const { slug } = await newTenant(t);
    const group = await newGroup(t, slug, { name: 'Lonely' });
    const ada = await newUser(t, slug, 'ada@example.com');
    const bob = await newUser(t, slug, 'bob@example.com');
    const members = `/api/v1/tenants/${slug}/groups/${group.id}/members`;
    await t.op.put(`${members}/${ada.id}`).send({ role: 'owner' }).expect(200);
    await t.op.put(`${members}/${bob.id}`).send({ role: 'developer' }).expect(200);

    const refused = await t.op.delete(`/api/v1/tenants/${slug}/users/${ada.id}`).expect(409);
    expectErrorShape(refused.body, 409, 'last_owner');
    expect(refused.body.message).toBe(
      'ada@example.com is the last owner of "Lonely"; make someone else owner first',
    );
    await t.op.get(`/api/v1/tenants/${slug}/users/${ada.id}`).expect(200);
    expect(await auditActions(t, slug)).not.toContain('user.deleted');

    // A second owner lifts the protection; deleting a plain member never needed it.
    await t.op.put(`${members}/${bob.id}`).send({ role: 'owner' }).expect(200);
    await t.op.delete(`/api/v1/tenants/${slug}/users/${ada.id}`).expect(204);
    await t.op.get(`/api/v1/tenants/${slug}/users/${ada.id}`).expect(404);
    const left = await t.op.get(members).expect(200);
    expect(left.body.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      ['bob@example.com', 'owner'],
    ]);
  });
});
