import { cascadeAuditEntries } from './cascade-audit';

const main = { action: 'group.deleted', targetType: 'group', targetId: 'g1', details: { forced: true } };

describe('cascadeAuditEntries', () => {
  it('puts a delete with nothing attached in one event with an empty cascade', () => {
    expect(cascadeAuditEntries(main, {}, 'group.delete_cascade')).toEqual([
      { ...main, details: { forced: true, counts: {}, parts: 1, cascade: {} } },
    ]);
  });

  it('records every row, at most 1 000 an event, kinds kept apart, continuation on the same target', () => {
    const links = Array.from({ length: 3 }, (_, i) => ({ id: `l${i}` }));
    const memberships = Array.from({ length: 1997 }, (_, i) => ({ userId: `u${i}` }));
    const entries = cascadeAuditEntries(main, { links, memberships }, 'group.delete_cascade');
    expect(entries.map((e) => [e.action, e.targetType, e.targetId])).toEqual([
      ['group.deleted', 'group', 'g1'],
      ['group.delete_cascade', 'group', 'g1'],
    ]);
    const [first, second] = entries.map((e) => e.details as Record<string, unknown>);
    expect(first).toEqual(
      expect.objectContaining({ forced: true, counts: { links: 3, memberships: 1997 }, parts: 2 }),
    );
    const cascades = [first, second].map((d) => d.cascade as Record<string, object[]>);
    expect(cascades[0].links).toEqual(links);
    expect(cascades[0].memberships).toHaveLength(997);
    expect(second).toEqual(expect.objectContaining({ part: 2, parts: 2 }));
    expect(cascades[1].links).toBeUndefined();
    expect([...cascades[0].memberships, ...cascades[1].memberships]).toEqual(memberships);
  });
});
