import type { IdentityProvider } from '../api/types';
import { policyForm, policyPatch } from './idp-policy';

const idp = (extra: Partial<IdentityProvider> = {}): IdentityProvider => ({
  id: '1',
  slug: 'entra',
  name: 'Entra',
  type: 'saml',
  enabled: true,
  syncPaused: false,
  loginUrl: 'http://x/login',
  hasClientSecret: false,
  groupSync: {
    enabled: true,
    removal: 'enforce',
    adminGroups: [],
    claims: ['groups'],
    delimiter: null,
    caseSensitive: true,
    dnCommonName: false,
    matchByName: false,
    defaultRole: 'guest',
    prohibitSignupIfNotInGroup: false,
    missingClaim: 'keep',
    overage: 'keep',
    jit: true,
    removalGraceHours: 0,
    defaultMemberships: [],
    removeDefaultsOnMatch: false,
  },
  leavers: { graphRefreshHours: null, notSeenDays: 30, blockNotSeenDays: null },
  ...extra,
});

describe('group-sync policy form', () => {
  it('shows every policy setting of the IdP and sends all of them back unchanged', () => {
    const stored = idp({
      groupSync: {
        ...idp().groupSync,
        claims: ['http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'roles'],
        delimiter: ';',
        caseSensitive: false,
        dnCommonName: true,
        adminGroups: ['acme-admins', 'Domain Admins, EU'],
        removal: 'default-role',
        defaultRole: 'reporter',
        prohibitSignupIfNotInGroup: true,
        missingClaim: 'empty',
        overage: 'graph',
        jit: false,
        removalGraceHours: 24,
        defaultMemberships: [{ groupId: 'g1', role: 'reporter' }],
        removeDefaultsOnMatch: true,
      },
      leavers: { graphRefreshHours: 12, notSeenDays: 30, blockNotSeenDays: 90 },
    });
    const form = policyForm(stored);
    expect(form).toEqual(
      expect.objectContaining({
        claims: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups\nroles',
        delimiter: ';',
        ignoreCase: true,
        adminGroups: 'acme-admins\nDomain Admins, EU',
        graceHours: '24',
        defaults: [{ groupId: 'g1', role: 'reporter' }],
        graphRefreshHours: '12',
        blockNotSeenDays: '90',
      }),
    );
    const result = policyPatch(form);
    expect(result).toEqual({
      body: {
        groupSync: {
          enabled: true,
          claims: ['http://schemas.microsoft.com/ws/2008/06/identity/claims/groups', 'roles'],
          delimiter: ';',
          caseSensitive: false,
          dnCommonName: true,
          matchByName: false,
          defaultRole: 'reporter',
          removal: 'default-role',
          // a comma is part of a group name: one a line
          adminGroups: ['acme-admins', 'Domain Admins, EU'],
          prohibitSignupIfNotInGroup: true,
          missingClaim: 'empty',
          overage: 'graph',
          jit: false,
          removalGraceHours: 24,
          defaultMemberships: [{ groupId: 'g1', role: 'reporter' }],
          removeDefaultsOnMatch: true,
        },
        leavers: { graphRefreshHours: 12, notSeenDays: 30, blockNotSeenDays: 90 },
      },
    });
  });

  it('reads empty fields as the defaults: groups, no delimiter, no grace, leavers off', () => {
    const form = { ...policyForm(idp()), claims: ' \n', delimiter: '', graceHours: '', notSeenDays: '' };
    const result = policyPatch(form);
    if (!('body' in result)) throw new Error('refused');
    expect(result.body.groupSync.claims).toEqual(['groups']);
    expect(result.body.groupSync.delimiter).toBeNull();
    expect(result.body.groupSync.removalGraceHours).toBe(0);
    expect(result.body.leavers).toEqual({ graphRefreshHours: null, blockNotSeenDays: null });
  });

  it('a delimiter is taken as typed (a space splits too)', () => {
    const result = policyPatch({ ...policyForm(idp()), delimiter: ' ' });
    expect('body' in result && result.body.groupSync.delimiter).toBe(' ');
  });

  it('names bad numbers and default-membership lines instead of sending them', () => {
    const form = policyForm(idp());
    expect(
      policyPatch({
        ...form,
        graceHours: '1.5',
        blockNotSeenDays: 'soon',
        defaults: [{ groupId: '', role: 'guest' }],
      }),
    ).toEqual({
      errors: {
        graceHours: 'A whole number, or empty',
        blockNotSeenDays: 'A whole number, or empty',
        defaults: 'Pick a group on every line, or remove the line',
      },
    });
    expect(
      policyPatch({
        ...form,
        defaults: [
          { groupId: 'g1', role: 'guest' },
          { groupId: 'g1', role: 'owner' },
        ],
      }),
    ).toEqual({ errors: { defaults: 'Each group once: remove the repeated line' } });
  });

  it('fills in what an older answer leaves out with the policy defaults', () => {
    const old = idp({
      groupSync: {
        removal: 'whatever',
        adminGroups: [],
        claims: ['groups'],
        defaultRole: 'guest',
        jit: true,
      },
      leavers: undefined,
    });
    expect(policyForm(old)).toEqual(
      expect.objectContaining({
        enabled: true,
        removal: 'enforce',
        ignoreCase: false,
        missingClaim: 'keep',
        overage: 'keep',
        defaults: [],
        graceHours: '',
        notSeenDays: '',
      }),
    );
  });
});
