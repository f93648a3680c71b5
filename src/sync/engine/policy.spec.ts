import { DEFAULT_GROUP_SYNC_POLICY, resolvePolicy } from './policy';
import { higherRole, isRole, ROLES, roleRank } from './roles';

describe('roles', () => {
  it('ranks guest 0 .. owner 4', () => {
    expect(ROLES.map(roleRank)).toEqual([0, 1, 2, 3, 4]);
    expect(roleRank('maintainer')).toBeGreaterThan(roleRank('developer'));
  });

  it('refuses to rank something that is not a role', () => {
    expect(() => roleRank('admin' as never)).toThrow(/Unknown role/);
    expect(isRole('admin')).toBe(false);
    expect(isRole('owner')).toBe(true);
  });

  it('higherRole picks the stronger role', () => {
    expect(higherRole('guest', 'maintainer')).toBe('maintainer');
    expect(higherRole('owner', 'reporter')).toBe('owner');
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
});
