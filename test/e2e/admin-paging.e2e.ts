import { startTestApp, TestApp } from '../support/test-app';
import { expectErrorShape, newGroup, newGroupLink, newTenant, newUser } from '../support/factories';

/** Walks a cursor-paged list to its end, checking every page's size. */
async function walk(t: TestApp, url: string, limit: number) {
  const seen: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res: { body: { items: Record<string, unknown>[]; nextCursor: string | null } } = await t.op
      .get(`${url}${sep}limit=${limit}&cursor=${cursor ?? ''}`)
      .expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    if (res.body.nextCursor) expect(res.body.items).toHaveLength(limit);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor);
  return { seen, pages };
}

describe('cursor paging of users, groups, members and links', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('pages users by email with limit and cursor; no query keeps the bare array', async () => {
    const { slug } = await newTenant(t);
    const emails = [
      'b_x@example.com',
      'a.b@example.com',
      'ab@example.com',
      'zed@example.com',
      'Mia@Example.com',
    ];
    for (const e of emails) await newUser(t, slug, e);
    const bare = await t.op.get(`/api/v1/tenants/${slug}/users`).expect(200);
    expect(Array.isArray(bare.body)).toBe(true);
    const { seen, pages } = await walk(t, `/api/v1/tenants/${slug}/users`, 2);
    expect(pages).toBe(3);
    expect(seen.map((u) => u.email)).toEqual(bare.body.map((u: { email: string }) => u.email));
    expect(new Set(seen.map((u) => u.id)).size).toBe(5);
    const first = await t.op.get(`/api/v1/tenants/${slug}/users?limit=100&cursor=`).expect(200);
    expect(first.body.nextCursor).toBeNull();
    // Scripts written before cursors sent `limit` alone (up to 1000): they still get a bare array.
    const older = await t.op.get(`/api/v1/tenants/${slug}/users?limit=700`).expect(200);
    expect(older.body.map((u: { email: string }) => u.email)).toEqual(seen.map((u) => u.email));
    const olderTwo = await t.op.get(`/api/v1/tenants/${slug}/users?limit=2`).expect(200);
    expect(olderTwo.body.map((u: { email: string }) => u.email)).toEqual(
      seen.slice(0, 2).map((u) => u.email),
    );
    // The older offset paging still answers a bare array.
    const legacy = await t.op.get(`/api/v1/tenants/${slug}/users?limit=2&offset=2`).expect(200);
    expect(legacy.body.map((u: { email: string }) => u.email)).toEqual(seen.slice(2, 4).map((u) => u.email));
  });

  it.each([
    ['not base64 JSON', 'bm90LWpzb24'],
    ['the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['too many keys', Buffer.from('["a","b"]').toString('base64url')],
    ['characters outside base64url', 'a%2Fb'],
  ])('refuses a cursor that is %s with 400', async (_, cursor) => {
    const { slug } = await newTenant(t);
    const res = await t.op.get(`/api/v1/tenants/${slug}/users?cursor=${cursor}`).expect(400);
    expectErrorShape(res.body, 400);
    const group = await newGroup(t, slug);
    await t.op.get(`/api/v1/tenants/${slug}/groups?cursor=${cursor}`).expect(400);
    await t.op.get(`/api/v1/tenants/${slug}/groups/${group.id}/members?cursor=${cursor}`).expect(400);
  });

  it('refuses limits outside 1-500 and a link cursor whose id is not a UUID', async () => {
    const { slug } = await newTenant(t);
    const group = await newGroup(t, slug);
    for (const limit of ['0', '501', '1.5', 'abc'])
      await t.op.get(`/api/v1/tenants/${slug}/groups/${group.id}/links?limit=${limit}`).expect(400);
    await t.op.get(`/api/v1/tenants/${slug}/users?limit=501&cursor=`).expect(400);
    await t.op.get(`/api/v1/tenants/${slug}/users?limit=1001`).expect(400);
    await t.op.get(`/api/v1/tenants/${slug}/users?limit=600&offset=0`).expect(200);
    await t.op.get(`/api/v1/tenants/${slug}/users?cursor=abc&offset=0`).expect(400);
    const cursor = Buffer.from(JSON.stringify(['g', 'not-a-uuid'])).toString('base64url');
    const res = await t.op
      .get(`/api/v1/tenants/${slug}/groups/${group.id}/links?cursor=${cursor}`)
      .expect(400);
    expectErrorShape(res.body, 400, 'invalid_cursor');
  });

  it('pages groups by name, links by external group then id, and members (direct and inherited) by email', async () => {
    const { slug } = await newTenant(t);
    const parent = await newGroup(t, slug, { name: 'Parent' });
    const child = await newGroup(t, slug, { name: 'Child', parentId: parent.id });
    for (const name of ['Zulu', 'alpha', 'Mike']) await newGroup(t, slug, { name });
    const groups = await walk(t, `/api/v1/tenants/${slug}/groups`, 2);
    const bareGroups = await t.op.get(`/api/v1/tenants/${slug}/groups`).expect(200);
    expect(groups.seen.map((g) => g.name)).toEqual(bareGroups.body.map((g: { name: string }) => g.name));

    for (const externalGroup of ['dev', 'Dev', 'ops', 'dev-2', 'a b'])
      await newGroupLink(t, slug, child.id, { externalGroup, role: 'developer' });
    const links = await walk(t, `/api/v1/tenants/${slug}/groups/${child.id}/links`, 2);
    const bareLinks = await t.op.get(`/api/v1/tenants/${slug}/groups/${child.id}/links`).expect(200);
    expect(links.seen.map((l) => l.id)).toEqual(bareLinks.body.map((l: { id: string }) => l.id));
    expect(links.pages).toBe(3);

    const users = [];
    for (let i = 0; i < 5; i++) users.push(await newUser(t, slug, `m${i}@example.com`));
    // Two direct members, two only through the parent, one in both (the parent's owner role wins).
    const put = (g: string, u: string, role: string) =>
      t.op.put(`/api/v1/tenants/${slug}/groups/${g}/members/${u}`).send({ role }).expect(200);
    await put(child.id, users[0].id, 'guest');
    await put(child.id, users[3].id, 'developer');
    await put(parent.id, users[1].id, 'reporter');
    await put(parent.id, users[4].id, 'developer');
    await put(parent.id, users[3].id, 'owner');
    const members = await walk(t, `/api/v1/tenants/${slug}/groups/${child.id}/members`, 2);
    const bareMembers = await t.op.get(`/api/v1/tenants/${slug}/groups/${child.id}/members`).expect(200);
    expect(members.seen).toEqual(bareMembers.body);
    expect(members.seen.map((m) => [m.email, m.role, m.inherited])).toEqual([
      ['m0@example.com', 'guest', false],
      ['m1@example.com', 'reporter', true],
      ['m3@example.com', 'owner', true],
      ['m4@example.com', 'developer', true],
    ]);
  });

  it('never pages into another tenant', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    await newUser(t, a.slug, 'a1@example.com');
    await newUser(t, b.slug, 'b1@example.com');
    await newUser(t, b.slug, 'b2@example.com');
    const first = await t.op.get(`/api/v1/tenants/${a.slug}/users?limit=1&cursor=`).expect(200);
    expect(first.body.items.map((u: { email: string }) => u.email)).toEqual(['a1@example.com']);
    expect(first.body.nextCursor).toBeNull();
    // A cursor made on tenant B's list only moves the starting point; A's rows stay A's.
    const cursor = Buffer.from(JSON.stringify(['a'])).toString('base64url');
    const res = await t.op.get(`/api/v1/tenants/${a.slug}/users?cursor=${cursor}`).expect(200);
    expect(res.body.items.map((u: { email: string }) => u.email)).toEqual(['a1@example.com']);
  });
});
