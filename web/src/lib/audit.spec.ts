import type { AuditEvent } from '../api/types';
import { auditQuery, auditSummary, syncSummary } from './audit';

const event = (over: Partial<AuditEvent>): AuditEvent => ({
  id: '1',
  createdAt: '2026-01-01T00:00:00.000Z',
  actor: { type: 'idp', id: null, label: 'dev' },
  action: 'membership.added',
  target: { type: 'group', id: 'g' },
  userId: 'u',
  before: null,
  after: null,
  details: null,
  correlationId: 'c',
  ...over,
});

describe('audit list', () => {
  it('summarizes a sync membership change with its reason', () => {
    const reason =
      'Added to "Engineering" as developer: external group "engineering" is linked to it as developer.';
    const e = event({ after: { role: 'developer' }, details: { groupName: 'Engineering', reason } });
    expect(auditSummary(e)).toBe(reason);
    const manual = event({ after: { role: 'owner' }, details: { groupName: 'Engineering' } });
    expect(auditSummary(manual)).toBe('added to Engineering as owner');
    const changed = event({
      action: 'membership.role_changed',
      before: { role: 'developer' },
      after: { role: 'maintainer' },
      details: { groupName: 'Engineering' },
    });
    expect(auditSummary(changed)).toBe('Engineering: developer → maintainer');
  });

  it('summarizes custom role changes', () => {
    const role = (rank: number, name = 'auditor') => ({ name, rank, builtIn: false });
    expect(auditSummary(event({ action: 'role.created', after: role(25) }))).toBe(
      'Role auditor added (rank 25)',
    );
    expect(auditSummary(event({ action: 'role.updated', before: role(25), after: role(35) }))).toBe(
      'Role auditor: rank 25 → 35',
    );
    expect(
      auditSummary(
        event({ action: 'role.updated', before: role(25, 'viewer'), after: role(25, 'observer') }),
      ),
    ).toBe('Role observer: renamed from viewer');
    expect(auditSummary(event({ action: 'role.updated', before: role(25), after: role(25) }))).toBe(
      'Role auditor: description changed',
    );
    expect(auditSummary(event({ action: 'role.deleted', before: role(25) }))).toBe('Role auditor deleted');
  });

  it('shows why a sign-in was refused', () => {
    expect(
      auditSummary(event({ action: 'sso.sign_in_refused', details: { reason: 'expired assertion' } })),
    ).toBe('Sign-in refused: expired assertion');
  });

  it('sends only the filters that are set, times as ISO 8601', () => {
    expect(auditQuery({ action: ' membership.* ', userId: '', since: '', until: '' })).toEqual({
      action: 'membership.*',
    });
    const q = auditQuery({ action: '', userId: '', since: '2026-01-02T03:04', until: '' });
    expect(q.since).toBe(new Date('2026-01-02T03:04').toISOString());
    expect(auditQuery({ action: '', userId: '', correlationId: ' ref-7 ', since: '', until: '' })).toEqual({
      correlationId: 'ref-7',
    });
  });

  it('sends the email, group and IdP filters', () => {
    expect(
      auditQuery({
        action: '',
        userId: '',
        email: ' Bob@x.org ',
        groupId: 'g1',
        idp: 'entra',
        since: '',
        until: '',
      }),
    ).toEqual({
      email: 'Bob@x.org',
      groupId: 'g1',
      idp: 'entra',
    });
  });

  it("sums up a sign-in's sync in words", () => {
    expect(
      auditSummary(
        event({
          action: 'sync.applied',
          details: { trigger: 'sign-in', idp: 'entra', adds: 1, roleChanges: 2, removals: 0, complete: true },
        }),
      ),
    ).toBe('Sign-in through entra: 1 added, 2 re-roled, 0 removed');
    expect(syncSummary({ trigger: 'scim', adds: 0, complete: false })).toBe(
      'SCIM push: no membership changes (group list incomplete: nothing removed)',
    );
  });
});
