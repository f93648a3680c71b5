import { Membership } from '../../src/groups/membership.entity';
import { newGroup, newGroupLink, newTenant, newUser } from '../support/factories';
import { countQueries } from '../support/query-counter';
import { createSamlIdp } from '../support/saml-idp';
import { signIn } from '../support/sync-helpers';
import { startTestApp, TestApp } from '../support/test-app';
import { openTransaction } from '../support/open-transaction';

/**
 * A returning sign-in reads its user's memberships in the statement that locks the user's row, so
 * under that statement's snapshot (PostgreSQL). Were it to wait for the lock there, it would plan
 * from memberships as they were before the lock holder committed. So the lock does not wait
 * (NOWAIT); a busy row rolls the attempt back, and the retry locks first and reads after.
 * Whoever counts a group's owners to take one away locks the group's row first (sync-state.ts), so
 * two owners leaving at once decide one after the other.
 */
describe('rows another transaction holds (PostgreSQL): a returning sign-in, the last-owner rule', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it("a returning sign-in waits for the user row's holder and plans from what it committed", async () => {
    const { slug } = await newTenant(t, 'busy-user');
    const idp = createSamlIdp('https://busy.example/idp');
    await t.op
      .post(`/api/v1/tenants/${slug}/identity-providers`)
      .send({ slug: 'entra', type: 'saml', metadataXml: idp.metadataXml })
      .expect(201);
    const eng = await newGroup(t, slug, { name: 'Eng' });
    await newGroupLink(t, slug, eng.id, { externalGroup: 'Eng', role: 'developer' });
    const who = { email: 'ada@example.com', externalId: 'ada' };
    const first = await signIn(t, slug, 'entra', who, ['Eng']);
    if (first.status !== 'signed-in') throw new Error('expected a sign-in');
    const userId = first.user.id;
    const memberships = t.dataSource.getRepository(Membership);
    expect(await memberships.countBy({ userId, groupId: eng.id })).toBe(1);

    // Another writer (an admin, a SCIM push) holds the user's row and removes the membership.
    const holder = await openTransaction(t);
    await holder.query('SELECT 1 FROM "users" WHERE "id" = $1 FOR NO KEY UPDATE', [userId]);
    await holder.query('DELETE FROM "memberships" WHERE "userId" = $1 AND "groupId" = $2', [userId, eng.id]);

    let settled = false;
    const counted = countQueries(t.dataSource, () => signIn(t, slug, 'entra', who, ['Eng'])).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBe(false); // the retry waits for the lock
    await holder.commitTransaction();
    await holder.release();

    const { result, queries } = await counted;
    expect(result.status).toBe('signed-in');
    // Planned from the committed state: the membership is gone, so the claim adds it back.
    if (result.status === 'signed-in') expect(result.plan.adds.map((a) => a.groupId)).toEqual([eng.id]);
    expect(await memberships.countBy({ userId, groupId: eng.id })).toBe(1);
    // The first attempt met the busy row and rolled back; the second locked first, then read.
    expect(queries.filter((q) => q === 'ROLLBACK')).toHaveLength(1);
    expect(queries.filter((q) => / NOWAIT$/.test(q))).toHaveLength(1);
    expect(queries.filter((q) => /FOR NO KEY UPDATE OF u$/.test(q))).toHaveLength(1);
  }, 60_000);

  it("the last-owner rule: an admin's removal waits for the group's lock and counts the owners after", async () => {
    const { slug } = await newTenant(t, 'busy-owners');
    const group = await newGroup(t, slug, { name: 'Leads' });
    const ada = await newUser(t, slug, 'ada@example.com');
    const bob = await newUser(t, slug, 'bob@example.com');
    const members = `/api/v1/tenants/${slug}/groups/${group.id}/members`;
    await t.op.put(`${members}/${ada.id}`).send({ role: 'owner' }).expect(200);
    await t.op.put(`${members}/${bob.id}`).send({ role: 'owner' }).expect(200);

    // Another writer counting Leads' owners holds the group and takes Bob away.
    const holder = await openTransaction(t);
    await holder.query('SELECT 1 FROM "groups" WHERE "id" = $1 FOR NO KEY UPDATE', [group.id]);
    await holder.query('DELETE FROM "memberships" WHERE "userId" = $1 AND "groupId" = $2', [
      bob.id,
      group.id,
    ]);

    let settled = false;
    const removal = t.op
      .delete(`${members}/${ada.id}`)
      .then((res) => res)
      .finally(() => {
        settled = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBe(false); // it waits for the group's lock before counting
    await holder.commitTransaction();
    await holder.release();

    // Counted after Bob left: Ada is the last owner and stays.
    const res = await removal;
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('last_owner');
    const owners = await t.dataSource.getRepository(Membership).countBy({ groupId: group.id, role: 'owner' });
    expect(owners).toBe(1);
  }, 60_000);
});
