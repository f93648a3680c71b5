// Which groups capture links may reach. A capture link names its target at sign-in, so a group is
// "reachable" when the capture's own sub-pattern accepts the group's name (a superset of what can
// really happen): such groups are sync's business for the memberships sync made, and only those.
import type { CompiledPattern } from './link-match';
import type { EngineGroup } from './types';

const BY_THIS_IDP = 1;
const BY_ANY_IDP = 2;

/** Asked per membership, answered once per group: a tenant may have thousands of groups and few members each. */
export class CaptureReach {
  private readonly own: CompiledPattern[] = [];
  private readonly others: CompiledPattern[] = [];
  private groups: ReadonlyMap<string, EngineGroup> = new Map();
  private readonly memo = new Map<string, number>();

  add(pattern: CompiledPattern, appliesToThisIdp: boolean): void {
    (appliesToThisIdp ? this.own : this.others).push(pattern);
  }

  get size(): number {
    return this.own.length + this.others.length;
  }

  withGroups(groups: ReadonlyMap<string, EngineGroup>): this {
    this.groups = groups;
    return this;
  }

  /** May a capture link that applies to this IdP name the group? */
  byThisIdp(groupId: string): boolean {
    return (this.reach(groupId) & BY_THIS_IDP) !== 0;
  }

  /** May a capture link of any IdP of the tenant name the group? */
  byAnyIdp(groupId: string): boolean {
    return (this.reach(groupId) & BY_ANY_IDP) !== 0;
  }

  private reach(groupId: string): number {
    if (this.size === 0) return 0;
    let bits = this.memo.get(groupId);
    if (bits === undefined) {
      const group = this.groups.get(groupId);
      bits = 0;
      if (group !== undefined) {
        if (this.own.some((p) => p.reaches(group))) bits = BY_THIS_IDP | BY_ANY_IDP;
        else if (this.others.some((p) => p.reaches(group))) bits = BY_ANY_IDP;
      }
      this.memo.set(groupId, bits);
    }
    return bits;
  }
}
