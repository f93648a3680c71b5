import type { Group } from '../api/types';

export interface GroupNode {
  group: Group;
  depth: number;
}

/**
 * The groups in tree order (parents before their subgroups, siblings by name), each with its
 * depth. A group whose parent is not in the list is shown at the top level.
 */
export function groupTree(groups: Group[]): GroupNode[] {
  const ids = new Set(groups.map((g) => g.id));
  const children = new Map<string | null, Group[]>();
  for (const g of groups) {
    const parent = g.parentId && ids.has(g.parentId) ? g.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(g);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  const out: GroupNode[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number) => {
    for (const g of children.get(parent) ?? []) {
      if (seen.has(g.id)) continue; // a cycle cannot come from the API; never loop on one anyway
      seen.add(g.id);
      out.push({ group: g, depth });
      walk(g.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** "Engineering / Platform" for a group, from the root down. */
export function groupPath(groups: Group[], id: string): string {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const names: string[] = [];
  const seen = new Set<string>();
  for (let g = byId.get(id); g && !seen.has(g.id); g = g.parentId ? byId.get(g.parentId) : undefined) {
    seen.add(g.id);
    names.unshift(g.name);
  }
  return names.join(' / ');
}
