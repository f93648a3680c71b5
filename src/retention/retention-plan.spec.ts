import { newTimeOrderedId } from '../common/ids';
import { retentionTargets, smallestTimeOrderedIdAt } from './retention-plan';

describe('retention plan', () => {
  it('the cutoff id sorts above every id made before the cutoff and below every id made at or after it', () => {
    const cutoff = Date.UTC(2026, 0, 1);
    const bound = smallestTimeOrderedIdAt(cutoff);
    expect(newTimeOrderedId(cutoff - 1) < bound).toBe(true);
    expect(newTimeOrderedId(cutoff - 86_400_000 * 400) < bound).toBe(true);
    expect(newTimeOrderedId(cutoff + 5000) > bound).toBe(true);
  });

  it('keeps 365 days of audit by default and prunes refused sign-ins sooner only when told', () => {
    const now = new Date(Date.UTC(2026, 11, 1));
    const same = retentionTargets({ auditDays: 365, refusedSignInDays: 365 }, now);
    expect(same.map((t) => t.name)).toEqual(['audit_events', 'login_states', 'sessions']);
    expect(same[0].below).toBe(smallestTimeOrderedIdAt(now.getTime() - 365 * 86_400_000));
    const shorter = retentionTargets({ auditDays: 365, refusedSignInDays: 30 }, now);
    expect(shorter[0]).toEqual({
      name: 'refused_sign_ins',
      table: 'audit_events',
      column: 'id',
      below: smallestTimeOrderedIdAt(now.getTime() - 30 * 86_400_000),
      action: 'sso.sign_in_refused',
    });
    expect(shorter.find((t) => t.name === 'sessions')?.below).toBe(now);
  });

  it('prunes only finished webhook deliveries, by age, when a number of days is set', () => {
    const now = new Date(Date.UTC(2026, 11, 1));
    const targets = retentionTargets(
      { auditDays: 365, refusedSignInDays: 365, webhookDeliveryDays: 30 },
      now,
    );
    expect(targets.find((t) => t.name === 'webhook_deliveries')).toEqual({
      name: 'webhook_deliveries',
      table: 'webhook_deliveries',
      column: 'createdAt',
      below: new Date(now.getTime() - 30 * 86_400_000),
      statuses: ['delivered', 'failed'],
    });
  });
});
