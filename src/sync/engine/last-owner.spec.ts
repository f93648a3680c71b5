import { countDownOwners, isLastOwner, lastOwnerAmong } from './last-owner';

describe('last-owner rule', () => {
  const counts = new Map([
    ['solo', 1],
    ['pair', 2],
  ]);

  it('protects the only owner, not one of two, and never a non-owner', () => {
    expect(isLastOwner({ groupId: 'solo', role: 'owner' }, counts)).toBe(true);
    expect(isLastOwner({ groupId: 'pair', role: 'owner' }, counts)).toBe(false);
    expect(isLastOwner({ groupId: 'solo', role: 'maintainer' }, counts)).toBe(false);
  });

  it('treats a group missing from the counts (or counted 0) as owned by this membership alone', () => {
    expect(isLastOwner({ groupId: 'unknown', role: 'owner' }, counts)).toBe(true);
    expect(isLastOwner({ groupId: 'zero', role: 'owner' }, new Map([['zero', 0]]))).toBe(true);
  });

  it('finds the first membership whose loss would orphan its group', () => {
    const going = [
      { groupId: 'pair', role: 'owner', id: 1 },
      { groupId: 'solo', role: 'guest', id: 2 },
      { groupId: 'solo', role: 'owner', id: 3 },
    ];
    expect(lastOwnerAmong(going, counts)?.id).toBe(3);
    expect(lastOwnerAmong(going.slice(0, 2), counts)).toBeUndefined();
  });

  it('counts down owners removed or given a lower role, and nothing else', () => {
    const owners = new Map([
      ['a', 3],
      ['b', 2],
    ]);
    countDownOwners(owners, {
      removals: [
        { groupId: 'a', role: 'owner' },
        { groupId: 'b', role: 'developer' },
        { groupId: 'c', role: 'owner' },
      ],
      roleChanges: [
        { groupId: 'a', from: 'owner' },
        { groupId: 'b', from: 'maintainer' },
      ],
    });
    // A group missing from the counts counted as one owner, as isLastOwner does.
    expect([...owners]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 0],
    ]);
  });
});
