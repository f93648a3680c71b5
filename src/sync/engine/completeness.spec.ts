import {
  isCompleteClaim,
  pushedExternalGroups,
  storedExternalGroups,
  withPushedGroups,
} from './completeness';

describe('completeness rule', () => {
  it('a present claim is whole; a truncated one never; a missing one only when the policy says empty', () => {
    expect(isCompleteClaim('present', { missingClaim: 'keep' })).toBe(true);
    expect(isCompleteClaim('overage', { missingClaim: 'empty' })).toBe(false);
    expect(isCompleteClaim('missing', { missingClaim: 'keep' })).toBe(false);
    expect(isCompleteClaim('missing', { missingClaim: 'empty' })).toBe(true);
  });

  it('stored groups are as complete as the last claim; only pushed groups count as present', () => {
    expect(storedExternalGroups(['a'], 'overage', { missingClaim: 'empty' })).toEqual({
      groups: ['a'],
      status: 'overage',
      complete: false,
    });
    expect(storedExternalGroups(['a'], null, { missingClaim: 'keep' })).toEqual({
      groups: ['a'],
      status: 'present',
      complete: true,
    });
  });

  it('a SCIM push is whole; a sign-in adds the pushed groups to its claim once', () => {
    expect(pushedExternalGroups(['a'])).toEqual({ groups: ['a'], status: 'present', complete: true });
    const claim = { groups: ['a', 'b'], status: 'overage' as const, complete: false };
    expect(withPushedGroups(claim, ['b', 'c'])).toEqual({ ...claim, groups: ['a', 'b', 'c'] });
    expect(withPushedGroups(claim, [])).toBe(claim);
  });
});
