import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Session } from '../../src/auth/session.entity';
import { newTimeOrderedId } from '../../src/common/ids';
import { RETENTION_LOCK_KEY, RetentionService } from '../../src/retention/retention.service';
import { SsoLoginState } from '../../src/sso/sso-login-state.entity';
import { newOidcIdp, newTenant, newUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const DAY = 86_400_000;

/** Retention on a real database: what goes, what stays, in batches, and one process at a time. */
describe('retention', () => {
  let t: TestApp;
  let retention: RetentionService;
  const now = new Date();
  let tenantId: string;
  let userId: string;
  let idpId: string;

  beforeAll(async () => {
    t = await startTestApp({
      RETENTION_AUDIT_DAYS: '365',
      RETENTION_REFUSED_SIGN_IN_DAYS: '30',
      RETENTION_BATCH_SIZE: '2',
      RETENTION_INTERVAL_MINUTES: '0',
    });
    retention = t.app.get(RetentionService);
    const tenant = await newTenant(t);
    tenantId = tenant.id;
    userId = (await newUser(t, tenant.slug)).id;
    idpId = (await newOidcIdp(t, tenant.slug)).id;
  });
  afterAll(async () => t.close());

  const audit = (ageDays: number, action: string) => {
    const at = now.getTime() - ageDays * DAY;
    return insertEntity(t, AuditEvent, {
      id: newTimeOrderedIdAt(at),
      tenantId,
      createdAt: new Date(at),
      actorType: 'system',
      action,
      targetType: 'tenant',
      correlationId: `age-${ageDays}`,
    });
  };
  const hash = () => createHash('sha256').update(randomBytes(16)).digest('hex');
  const loginState = (expiresInMs: number) =>
    insertEntity(t, SsoLoginState, {
      tenantId,
      idpId,
      stateHash: hash(),
      bindingHash: hash(),
      nonce: 'n',
      expiresAt: new Date(now.getTime() + expiresInMs),
    });
  const session = (expiresInMs: number) =>
    insertEntity(t, Session, {
      tenantId,
      userId,
      tokenHash: hash(),
      csrfToken: 'c',
      expiresAt: new Date(now.getTime() + expiresInMs),
    });

  it('deletes old audit events, old refused sign-ins, expired login states and sessions, and nothing else', async () => {
    await t.dataSource.getRepository(AuditEvent).delete({ tenantId });
    for (const age of [400, 380, 366]) await audit(age, 'membership.added'); // past a year: go
    await audit(364, 'membership.added'); // stays
    await audit(1, 'membership.added'); // stays
    for (const age of [45, 31]) await audit(age, 'sso.sign_in_refused'); // past 30 days: go
    await audit(29, 'sso.sign_in_refused'); // stays
    for (let i = 0; i < 5; i++) await loginState(-60_000); // expired
    await loginState(5 * 60_000);
    for (let i = 0; i < 3; i++) await session(-1000);
    await session(DAY);

    const deleted = await retention.pruneOnce(now);

    expect(deleted).toEqual({
      refused_sign_ins: 2,
      audit_events: 3,
      login_states: 5,
      sessions: 3,
      webhook_deliveries: 0,
    });
    const left = await t.dataSource
      .getRepository(AuditEvent)
      .find({ where: { tenantId }, order: { id: 'ASC' } });
    expect(left.map((e) => `${e.correlationId} ${e.action}`)).toEqual([
      'age-364 membership.added',
      'age-29 sso.sign_in_refused',
      'age-1 membership.added',
    ]);
    expect(await t.dataSource.getRepository(SsoLoginState).countBy({ tenantId })).toBe(1);
    expect(await t.dataSource.getRepository(Session).countBy({ tenantId })).toBe(1);
    expect(await retention.pruneOnce(now)).toEqual({
      refused_sign_ins: 0,
      audit_events: 0,
      login_states: 0,
      sessions: 0,
      webhook_deliveries: 0,
    });
  });

  it('deletes in primary-key batches of RETENTION_BATCH_SIZE statements, never one big delete', async () => {
    for (let i = 0; i < 5; i++) await audit(500 + i, 'membership.removed');
    const deletes: string[] = [];
    const logger = t.dataSource.logger;
    const spy = jest.spyOn(logger, 'logQuery').mockImplementation((query: string) => {
      if (/^DELETE FROM "audit_events"/i.test(query)) deletes.push(query);
    });
    const saved = t.dataSource.options.logging;
    Object.assign(t.dataSource.options, { logging: ['query'] });
    try {
      expect(await retention.pruneOnce(now)).toMatchObject({ audit_events: 5 });
    } finally {
      Object.assign(t.dataSource.options, { logging: saved });
      spy.mockRestore();
    }
    expect(deletes).toHaveLength(3); // 2 + 2 + 1
    expect(deletes.every((q) => /WHERE "id" IN/i.test(q))).toBe(true);
  });

  it('on PostgreSQL one process prunes at a time: a held lock makes the others skip the round', async () => {
    await audit(600, 'membership.added');
    if (t.dataSource.options.type !== 'postgres') {
      // SQLite has one process: nothing to coordinate, the round runs.
      expect(await retention.pruneOnce(now)).toMatchObject({ audit_events: 1 });
      return;
    }
    const other = new Client({ connectionString: t.db.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK_KEY]);
      expect(await retention.pruneOnce(now)).toBe('skipped');
      await other.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
      expect(await retention.pruneOnce(now)).toMatchObject({ audit_events: 1 });
    } finally {
      await other.end();
    }
  });
});

/** Through `create`, so the entity's defaults (ids, timestamps) are filled in as the app does. */
function insertEntity<T extends object>(t: TestApp, entity: new () => T, values: Partial<T>) {
  const repo = t.dataSource.getRepository(entity);
  return repo.insert(repo.create(values as T) as never);
}

/** A UUIDv7 of a past millisecond (newTimeOrderedId never goes back in time within a process). */
function newTimeOrderedIdAt(ms: number): string {
  const fresh = newTimeOrderedId().replace(/-/g, '');
  const hex = ms.toString(16).padStart(12, '0') + fresh.slice(12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
