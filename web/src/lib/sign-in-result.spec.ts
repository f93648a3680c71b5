import { lastSignInLine, planHeadline, planLines } from './sign-in-result';

const plan = {
  signup: 'existing' as const,
  adds: [{ groupName: 'Ops', role: 'maintainer', reason: 'link ops' }],
  roleChanges: [{ groupName: 'Eng', from: 'guest', to: 'developer', reason: 'link dev' }],
  removals: [{ groupName: 'Old', role: 'guest', reason: 'no link' }],
  kept: [],
  admin: { from: false, to: true },
  complete: true,
};

describe('test sign-in and last sign-in in words', () => {
  it('lists each change of a plan with its reason', () => {
    expect(planLines(plan)).toEqual([
      { kind: 'add', group: 'Ops', text: 'added as maintainer', reason: 'link ops' },
      { kind: 'role', group: 'Eng', text: 'guest → developer', reason: 'link dev' },
      { kind: 'remove', group: 'Old', text: 'removed (was guest)', reason: 'no link' },
    ]);
  });

  it('sums a plan up in one sentence', () => {
    expect(planHeadline(plan)).toBe(
      'The existing account would sign in: 1 added, 1 re-roled, 1 removed; would become a workspace admin.',
    );
    expect(
      planHeadline({
        ...plan,
        signup: 'create',
        adds: [],
        roleChanges: [],
        removals: [],
        admin: { from: false, to: false },
        complete: false,
      }),
    ).toBe(
      'A new account would be created: no membership would change (group list incomplete: nothing would be removed).',
    );
  });

  it('says what a past sign-in did to each group', () => {
    const base = { groupId: 'g', groupName: 'Eng', role: null, from: null, to: null, reason: 'because' };
    expect(lastSignInLine({ ...base, action: 'membership.added', role: 'developer' })).toEqual({
      what: 'Eng: added as developer',
      why: 'because',
    });
    expect(
      lastSignInLine({ ...base, action: 'membership.role_changed', from: 'guest', to: 'owner' }).what,
    ).toBe('Eng: re-roled (guest → owner)');
    expect(lastSignInLine({ ...base, action: 'membership.removed', role: 'guest' }).what).toBe(
      'Eng: removed',
    );
    expect(lastSignInLine({ ...base, groupName: null, action: 'user.admin_granted', reason: null })).toEqual({
      what: 'made a workspace admin',
      why: '',
    });
  });
});
