import { groupPath, groupTree } from './tree';

const g = (id: string, name: string, parentId: string | null = null) => ({
  id,
  name,
  parentId,
  description: null,
});

describe('group tree', () => {
  const groups = [
    g('p', 'Platform', 'e'),
    g('s', 'Support'),
    g('e', 'Engineering'),
    g('x', 'SRE', 'p'),
    g('a', 'Apps', 'e'),
  ];

  it('puts parents before subgroups and siblings by name, with depth', () => {
    expect(groupTree(groups).map((n) => `${n.depth}:${n.group.name}`)).toEqual([
      '0:Engineering',
      '1:Apps',
      '1:Platform',
      '2:SRE',
      '0:Support',
    ]);
  });

  it('shows a group whose parent is not listed at the top level', () => {
    expect(groupTree([g('o', 'Orphan', 'missing')]).map((n) => n.depth)).toEqual([0]);
  });

  it('never loops on a cycle and drops nothing reachable', () => {
    expect(groupTree([g('a', 'A', 'b'), g('b', 'B', 'a')])).toEqual([]);
    expect(groupPath([g('a', 'A', 'b'), g('b', 'B', 'a')], 'a')).toBe('B / A');
  });

  it('names a group by its path from the root', () => {
    expect(groupPath(groups, 'x')).toBe('Engineering / Platform / SRE');
  });
});
