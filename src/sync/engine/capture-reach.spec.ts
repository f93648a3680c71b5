import { compileRegex } from '../pattern-regex';
import { CaptureReach } from './capture-reach';
import { compilePattern, type CompiledPattern } from './link-match';
import type { EngineGroup } from './types';

const GROUPS: EngineGroup[] = [
  { id: 'g-blue', name: 'Blue', parentId: null },
  { id: 'g-red', name: 'Red', parentId: null },
];

/** A capture link whose capture may name groups matching `capture`, counting how often it is asked. */
function captureLink(capture: string): CompiledPattern & { asked: number } {
  const compiled = compilePattern(
    {
      id: capture,
      groupId: 'home',
      idpId: 'idp',
      externalGroup: `team-(${capture})`,
      role: 'developer',
      matchType: 'regex',
      targetFromCapture: true,
    },
    false,
    compileRegex,
  );
  const counted = {
    ...compiled,
    asked: 0,
    reaches: (group: EngineGroup) => (counted.asked++, compiled.reaches(group)),
  };
  return counted;
}

/** The groups by id, counting lookups. */
class CountingGroups extends Map<string, EngineGroup> {
  lookups = 0;
  override get(id: string): EngineGroup | undefined {
    this.lookups++;
    return super.get(id);
  }
}

function reach(own: CompiledPattern[], others: CompiledPattern[]): CaptureReach {
  const result = new CaptureReach();
  for (const p of own) result.add(p, true);
  for (const p of others) result.add(p, false);
  return result.withGroups(new Map(GROUPS.map((g) => [g.id, g])));
}

describe('CaptureReach', () => {
  it("counts this IdP's capture links and the others'", () => {
    expect(reach([captureLink('b.*')], [captureLink('r.*')]).size).toBe(2);
  });

  it("a group this IdP's link may name is reached by this IdP and so by any", () => {
    const r = reach([captureLink('b.*')], [captureLink('r.*')]);
    expect([r.byThisIdp('g-blue'), r.byAnyIdp('g-blue')]).toEqual([true, true]);
  });

  it("a group only another IdP's link may name is reached by any IdP, not this one", () => {
    const r = reach([captureLink('x.*')], [captureLink('y.*'), captureLink('r.*')]);
    expect([r.byThisIdp('g-red'), r.byAnyIdp('g-red')]).toEqual([false, true]);
  });

  it('a group no link may name is not reached', () => {
    expect(reach([captureLink('b.*')], []).byAnyIdp('g-red')).toBe(false);
    const r = reach([captureLink('b.*')], [captureLink('x.*')]);
    expect([r.byThisIdp('g-red'), r.byAnyIdp('g-red')]).toEqual([false, false]);
  });

  it('an unknown group id is reached by nobody', () => {
    const r = reach([captureLink('.*')], [captureLink('.*')]);
    expect([r.byThisIdp('gone'), r.byAnyIdp('gone')]).toEqual([false, false]);
  });

  it('asks the links once per group, however often it is asked', () => {
    const link = captureLink('b.*');
    const r = reach([link], []);
    expect([r.byThisIdp('g-blue'), r.byAnyIdp('g-blue'), r.byThisIdp('g-blue')]).toEqual([true, true, true]);
    expect(link.asked).toBe(1);
  });

  it('without capture links it never looks a group up', () => {
    const groups = new CountingGroups(GROUPS.map((g) => [g.id, g]));
    const r = new CaptureReach().withGroups(groups);
    expect([r.byThisIdp('g-blue'), r.byAnyIdp('g-red')]).toEqual([false, false]);
    expect(groups.lookups).toBe(0);
  });
});
