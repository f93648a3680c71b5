import { DEFAULT_GROUP_SYNC_POLICY, resolvePolicy } from './policy';
import { BUILT_IN_ROLE_RANKS, higherRole, isRole, ROLES, roleRank, roleRanksWith } from './roles';

describe('roles', () => {
  const ranks = BUILT_IN_ROLE_RANKS;

  it('ranks the built-ins guest 10 .. owner 50', () => {
    expect(ROLES.map((role) => roleRank(role, ranks))).toEqual([10, 20, 30, 40, 50]);
    expect(roleRank('maintainer', ranks)).toBeGreaterThan(roleRank('developer', ranks));
  });

  it('refuses to rank something that is not a role', () => {
    expect(() => roleRank('admin', ranks)).toThrow(/Unknown role/);
    expect(isRole('admin', ranks)).toBe(false);
    expect(isRole('owner', ranks)).toBe(true);
  });

  it('higherRole picks the stronger role', () => {
    expect(higherRole('guest', 'maintainer', ranks)).toBe('maintainer');
    expect(higherRole('owner', 'reporter', ranks)).toBe('owner');
  });

  it('a tenant ladder adds its custom roles to the built-ins, without changing them', () => {
    const tenant = roleRanksWith([{ name: 'auditor', rank: 25 }]);
    expect(roleRank('auditor', tenant)).toBe(25);
    expect(higherRole('auditor', 'reporter', tenant)).toBe('auditor');
    expect(higherRole('auditor', 'developer', tenant)).toBe('developer');
    expect(roleRank('owner', tenant)).toBe(50);
    // the built-in ladder itself is untouched
    expect(isRole('auditor', BUILT_IN_ROLE_RANKS)).toBe(false);
  });
});

describe('group-sync policy', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_GROUP_SYNC_POLICY).toEqual({
      enabled: true,
      claims: ['groups'],
      delimiter: null,
      caseSensitive: true,
      dnCommonName: false,
      matchByName: false,
      defaultRole: 'guest',
      removal: 'enforce',
      adminGroups: [],
      prohibitSignupIfNotInGroup: false,
      missingClaim: 'keep',
      overage: 'keep',
      jit: true,
      removalGraceHours: 0,
      defaultMemberships: [],
      removeDefaultsOnMatch: false,
    });
  });

  it('the defaults cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_GROUP_SYNC_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_GROUP_SYNC_POLICY.claims)).toBe(true);
    expect(() => DEFAULT_GROUP_SYNC_POLICY.claims.push('x')).toThrow();
  });

  it('resolvePolicy overlays the given fields and ignores undefined ones and unknown keys', () => {
    const policy = resolvePolicy({ removal: 'never', caseSensitive: undefined, bogus: 1 } as never);
    expect(policy.removal).toBe('never');
    expect(policy.caseSensitive).toBe(true);
    expect(policy).not.toHaveProperty('bogus');
    expect(resolvePolicy()).toEqual(DEFAULT_GROUP_SYNC_POLICY);
  });

  it('resolvePolicy returns arrays that share nothing with the defaults or the input', () => {
    const adminGroups = ['Admins'];
    const policy = resolvePolicy({ adminGroups });
    policy.claims.push('roles');
    adminGroups.push('Other');
    expect(DEFAULT_GROUP_SYNC_POLICY.claims).toEqual(['groups']);
    expect(policy.adminGroups).toEqual(['Admins']);
  });

  it('resolvePolicy copies the objects of a list too, and reads null as no fields', () => {
    const defaultMemberships = [{ groupId: 'g', role: 'guest' }];
    const policy = resolvePolicy({ defaultMemberships });
    defaultMemberships[0].role = 'owner';
    expect(policy.defaultMemberships).toEqual([{ groupId: 'g', role: 'guest' }]);
    expect(resolvePolicy(null)).toEqual(DEFAULT_GROUP_SYNC_POLICY);
    // typeof null is 'object': a null item stays null instead of becoming {}.
    expect(resolvePolicy({ adminGroups: [null] as never }).adminGroups).toEqual([null]);
  });
});
