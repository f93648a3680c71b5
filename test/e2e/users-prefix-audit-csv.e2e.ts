import { AuditEvent } from '../../src/audit/audit-event.entity';
import { newTimeOrderedId } from '../../src/common/ids';
import { insertInChunks } from '../../src/database/insert';
import { User } from '../../src/users/user.entity';
import { emailPrefix } from '../../src/users/email-prefix';
import { expectErrorShape, newApiKey, newTenant, newUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('users by email prefix (indexed) and the streamed audit CSV export', () => {
  let t: TestApp;
  let tenant: { id: string; slug: string };
  let other: { id: string; slug: string };
  const users = (body: unknown) => (body as { items: { email: string }[] }).items.map((u) => u.email);

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await newTenant(t);
    other = await newTenant(t);
    for (const email of [
      'ada@example.com',
      'adam@example.org',
      'a_b@example.com',
      'axb@example.com',
      'bob@example.com',
    ])
      await newUser(t, tenant.slug, email);
    await newUser(t, other.slug, 'ada@other.example');
    // 10,000 more, for the query plans.
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      t.dataSource
        .getRepository(User)
        .create({ tenantId: tenant.id, email: `bulk${String(i).padStart(5, '0')}@example.net` }),
    );
    await insertInChunks(t.dataSource.manager, User, rows);
    if (t.db.dialect === 'postgres') await t.dataSource.query('ANALYZE users');
    else await t.dataSource.query('ANALYZE');
  });
  afterAll(async () => t.close());

  it('?q= finds emails by prefix, case-insensitively, in this tenant only, with cursor and offset paging', async () => {
    const page = await t.op.get(`/api/v1/tenants/${tenant.slug}/users?q=ADa&cursor=&limit=10`).expect(200);
    expect(users(page.body)).toEqual(['ada@example.com', 'adam@example.org']);
    const offset = await t.op.get(`/api/v1/tenants/${tenant.slug}/users?q=ada&limit=1&offset=1`).expect(200);
    expect(offset.body.map((u: { email: string }) => u.email)).toEqual(['adam@example.org']);
    // _ and % are letters, not wildcards.
    const underscore = await t.op.get(`/api/v1/tenants/${tenant.slug}/users?q=a_&cursor=`).expect(200);
    expect(users(underscore.body)).toEqual(['a_b@example.com']);
    expect(
      users((await t.op.get(`/api/v1/tenants/${tenant.slug}/users?q=%25&cursor=`).expect(200)).body),
    ).toEqual([]);
    // Paging through a prefix with many matches.
    const first = await t.op
      .get(`/api/v1/tenants/${tenant.slug}/users?q=bulk0999&cursor=&limit=6`)
      .expect(200);
    expect(users(first.body)).toHaveLength(6);
    const second = await t.op
      .get(`/api/v1/tenants/${tenant.slug}/users?q=bulk0999&cursor=${first.body.nextCursor}&limit=6`)
      .expect(200);
    expect(users(second.body)).toEqual([
      'bulk09996@example.net',
      'bulk09997@example.net',
      'bulk09998@example.net',
      'bulk09999@example.net',
    ]);
    // Another tenant's key sees its own users only, and not this tenant at all.
    const key = await newApiKey(t, other.slug);
    expect(users((await key.as('get', `/api/v1/tenants/${other.slug}/users?q=ada&cursor=`)).body)).toEqual([
      'ada@other.example',
    ]);
    expectErrorShape(
      (await key.as('get', `/api/v1/tenants/${tenant.slug}/users?q=ada`)).body,
      403,
      'forbidden',
    );
    expectErrorShape(
      (await t.op.get(`/api/v1/tenants/${tenant.slug}/users?q=`)).body,
      400,
      'validation_failed',
    );
    expectErrorShape(
      (await t.op.get(`/api/v1/tenants/${tenant.slug}/users?q=${'a'.repeat(321)}`)).body,
      400,
      'validation_failed',
    );
  });

  it('the prefix query uses an index at 10,000 users (EXPLAIN)', async () => {
    const qb = t.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.tenantId = :tenantId', { tenantId: tenant.id });
    emailPrefix(qb, t.db.dialect, 'bulk0042');
    const [sql, params] = qb.orderBy('u.email', 'ASC').take(101).getQueryAndParameters();
    if (t.db.dialect === 'postgres') {
      const plan = (await t.dataSource.query(`EXPLAIN ${sql}`, params)) as { 'QUERY PLAN': string }[];
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/Index (Only )?Scan using "?IDX_users_email_prefix"?/);
      expect(text).toMatch(/email.*~>=~/);
      expect(text).not.toMatch(/Seq Scan/);
    } else {
      const plan = (await t.dataSource.query(`EXPLAIN QUERY PLAN ${sql}`, params)) as { detail: string }[];
      const text = plan.map((r) => r.detail).join('\n');
      expect(text).toMatch(/SEARCH u USING (COVERING )?INDEX \S+ \(tenantId=\? AND email>\? AND email<\?\)/);
      expect(text).not.toMatch(/SCAN u\b/);
    }
  });

  it('GET audit-events.csv streams every event of the filter (more than 5,000), newest first', async () => {
    const base = Date.now() - 3600_000;
    const events = Array.from({ length: 6_200 }, (_, i) =>
      t.dataSource.getRepository(AuditEvent).create({
        id: newTimeOrderedId(base + i),
        tenantId: tenant.id,
        createdAt: new Date(base + i),
        actorType: 'system',
        action: i % 2 ? 'test.bulk_odd' : 'test.bulk_even',
        targetType: 'thing',
        targetId: i === 0 ? '=1+1' : `t${i}`,
        details: { n: i, note: i === 0 ? 'a, "b"' : 'plain' },
        correlationId: `c${i}`,
      }),
    );
    await insertInChunks(t.dataSource.manager, AuditEvent, events);
    // Another tenant's events never appear.
    await insertInChunks(t.dataSource.manager, AuditEvent, [
      t.dataSource.getRepository(AuditEvent).create({
        tenantId: other.id,
        actorType: 'system',
        action: 'test.bulk_even',
        targetType: 'thing',
        correlationId: 'other',
      }),
    ]);
    const res = await t.op
      .get(`/api/v1/tenants/${tenant.slug}/audit-events.csv?action=test.bulk_*`)
      .buffer(true)
      .parse((r, done) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => done(null, text));
      })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`attachment; filename="audit-${tenant.slug}-`),
    );
    const text = res.body as string;
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(
      'time,action,actor_type,actor,target_type,target_id,user_id,correlation_id,before,after,details',
    );
    expect(lines.at(-1)).toBe('');
    const records = lines.slice(1, -1);
    expect(records).toHaveLength(6_200);
    expect(records[0]).toContain(',t6199,');
    // The oldest: a formula defused, a field with a comma and quotes quoted.
    expect(records.at(-1)).toContain(`,thing,'=1+1,,c0,,,"{""n"":0,""note"":""a, \\""b\\""""}"`);
    expect(text).not.toContain('other');
    const even = await t.op
      .get(`/api/v1/tenants/${tenant.slug}/audit-events.csv?action=test.bulk_even`)
      .expect(200);
    expect(even.text.split('\r\n').length - 2).toBe(3_100);
  });

  it('the CSV export validates its filters and is tenant-scoped', async () => {
    expectErrorShape((await t.op.get(`/api/v1/tenants/${tenant.slug}/audit-events.csv?limit=5`)).body, 400);
    expectErrorShape(
      (await t.op.get(`/api/v1/tenants/${tenant.slug}/audit-events.csv?since=yesterday`)).body,
      400,
    );
    const key = await newApiKey(t, other.slug);
    expectErrorShape(
      (await key.as('get', `/api/v1/tenants/${tenant.slug}/audit-events.csv`)).body,
      403,
      'forbidden',
    );
  });
});
