import { AuditService } from '../../src/audit/audit.service';
import { GroupsService } from '../../src/groups/groups.service';
import { Group } from '../../src/groups/group.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import type { RequestContext } from '../../src/common/request-context';
import { Transactions } from '../../src/database/transactions.service';
import { Tenant } from '../../src/tenants/tenant.entity';
import { TenantsService } from '../../src/tenants/tenants.service';
import { startTestApp, TestApp } from '../support/test-app';

const ctx: RequestContext = {
  correlationId: 'it',
  ip: null,
  userAgent: null,
  actor: { type: 'system', id: null, label: 'test' },
};

describe('transactions: a write and its audit event commit together or not at all', () => {
  let t: TestApp;
  let tenant: Tenant;
  beforeAll(async () => {
    t = await startTestApp();
    tenant = await t.app.get(TenantsService).create({ slug: 'tx', name: 'Tx' }, ctx);
  });
  afterAll(async () => t.close());

  it('rolls the group back when writing its audit event fails', async () => {
    const audit = t.app.get(AuditService);
    const spy = jest.spyOn(audit, 'record').mockRejectedValueOnce(new Error('disk full'));
    await expect(t.app.get(GroupsService).create(tenant.id, { name: 'Doomed' }, ctx)).rejects.toThrow(
      'disk full',
    );
    spy.mockRestore();
    expect(await t.dataSource.getRepository(Group).countBy({ tenantId: tenant.id, name: 'Doomed' })).toBe(0);
    // and the next write works normally
    await t.app.get(GroupsService).create(tenant.id, { name: 'Fine' }, ctx);
    expect(await t.dataSource.getRepository(Group).countBy({ tenantId: tenant.id, name: 'Fine' })).toBe(1);
  });

  it('leaves nothing half-written when a unit of work fails midway', async () => {
    const before = await t.dataSource.getRepository(AuditEvent).countBy({ tenantId: tenant.id });
    await expect(
      t.app.get(Transactions).run(async (em) => {
        await em.insert(Group, {
          id: '11111111-1111-4111-8111-111111111111',
          tenantId: tenant.id,
          name: 'half',
          createdAt: new Date(),
          updatedAt: new Date(),
        });
        await t.app
          .get(AuditService)
          .record(em, ctx, tenant.id, { action: 'group.created', targetType: 'group' });
        throw new Error('crash after two writes');
      }),
    ).rejects.toThrow('crash after two writes');
    expect(await t.dataSource.getRepository(Group).countBy({ name: 'half' })).toBe(0);
    expect(await t.dataSource.getRepository(AuditEvent).countBy({ tenantId: tenant.id })).toBe(before);
  });

  it('runs many concurrent writes without transaction collisions', async () => {
    const groups = t.app.get(GroupsService);
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => groups.create(tenant.id, { name: `parallel-${i}` }, ctx)),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(
      await t.dataSource.getRepository(Group).count({ where: { tenantId: tenant.id } }),
    ).toBeGreaterThanOrEqual(25);
  });

  it('lets exactly one of several concurrent duplicate creates win; the others get 409', async () => {
    const groups = t.app.get(GroupsService);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => groups.create(tenant.id, { name: 'race' }, ctx)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as { statusCode: number }).statusCode)).toEqual(Array(7).fill(409));
    const events = await t.dataSource
      .getRepository(AuditEvent)
      .find({ where: { tenantId: tenant.id, action: 'group.created' } });
    expect(events.filter((e) => (e.after as { name?: string })?.name === 'race')).toHaveLength(1);
  });
});
