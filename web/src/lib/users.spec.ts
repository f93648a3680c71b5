import {
  adminText,
  confirmedText,
  externalSourceText,
  lastChangeText,
  matchText,
  membershipSourceText,
} from './users';

describe('users page wording', () => {
  it('says where a membership comes from', () => {
    expect(membershipSourceText('manual')).toMatch(/^manual grant/);
    expect(membershipSourceText('sync')).toMatch(/^from sync via IdP groups/);
    expect(membershipSourceText('scim')).toMatch(/^from SCIM/);
  });
  it('says where an external group was sent and why someone is an admin', () => {
    expect(externalSourceText('claim')).toBe('in the sign-in claims');
    expect(externalSourceText('scim')).toBe('pushed by SCIM');
    expect(adminText({ isAdmin: false, adminSource: null })).toBe('No');
    expect(adminText({ isAdmin: true, adminSource: 'sync' })).toMatch(/admin group/);
  });
});

describe('why wording', () => {
  const match = {
    linkId: 'l1',
    externalGroup: '6f1c-object-id',
    label: 'Developers',
    role: 'developer' as const,
    idp: 'entra',
    via: 'claim' as const,
    value: '6f1c-object-id',
    seenAt: '2026-01-01T00:00:00.000Z',
  };
  it('names what the IdP sent, the link it matched (with its label) and the role', () => {
    expect(matchText(match)).toBe(
      'group claim "6f1c-object-id" from entra matched the link Developers (6f1c-object-id) → developer',
    );
    expect(matchText({ ...match, via: 'scim', linkId: null, label: null })).toBe(
      `SCIM group "6f1c-object-id" from entra matched the group's own name (name matching) → developer`,
    );
  });
  it('says when a membership was last confirmed, or that a manual one needs none', () => {
    const base = { updatedAt: '2026-01-01T00:00:00.000Z', lastConfirmed: null };
    expect(confirmedText({ ...base, source: 'manual' })).toMatch(/manual grant/);
    expect(confirmedText({ ...base, source: 'sync' })).toMatch(/^no sign-in since/);
    expect(
      confirmedText({
        ...base,
        source: 'sync',
        lastConfirmed: { at: base.updatedAt, trigger: 'sign-in', idp: 'entra', correlationId: 'c' },
      }),
    ).toMatch(/\(sign-in through entra\)$/);
    expect(
      lastChangeText({
        action: 'membership.added',
        at: base.updatedAt,
        actor: { type: 'idp', label: 'entra' },
        reason: null,
        correlationId: 'c',
      }),
    ).toMatch(/^Added .* by idp entra$/);
  });
});
