import type { ConfigPlan, PlannedChange } from './config-as-code.service';
import type { ImpactSummary } from './impact';

const SIGNS = { add: '+', change: '~', delete: '-' } as const;

const show = (v: unknown) => (v === null || v === undefined ? 'null' : JSON.stringify(v));
const names = (list: string[]) => (list.length ? list.join(', ') : '-');

function impactLine(impact: ImpactSummary | null | undefined): string[] {
  if (impact === undefined) return [];
  if (impact === null)
    return ['      impact: none yet (new group or IdP: members come with sign-ins or a reconcile)'];
  return [
    `      impact: ${impact.usersAffected} of ${impact.usersEvaluated} known users affected; ` +
      `added: ${names(impact.added)}; re-roled: ${names(impact.reRoled)}; removed: ${names(impact.removed)}` +
      (impact.truncated ? ' (names truncated)' : ''),
  ];
}

function changeLines(c: PlannedChange): string[] {
  const head = `  ${SIGNS[c.action]} ${c.kind} ${c.name}${c.skipped ? ' (would delete: use --prune)' : ''}`;
  const fields = c.fields.map((f) => `      ${f.field}: ${show(f.from)} -> ${show(f.to)}`);
  return [head, ...fields, ...impactLine(c.impact)];
}

/** The plan for people: + add, ~ change (with field diffs), - delete, and each link change's impact. */
export function formatPlan(plan: ConfigPlan, verb: 'plan' | 'apply'): string {
  const lines: string[] = [];
  const count = { add: 0, change: 0, delete: 0, skipped: 0 };
  for (const tenant of plan.tenants) {
    if (tenant.changes.length === 0) {
      lines.push(`tenant ${tenant.tenant}: no changes`);
      continue;
    }
    lines.push(`tenant ${tenant.tenant}:`);
    for (const c of tenant.changes) {
      lines.push(...changeLines(c));
      if (c.skipped) count.skipped++;
      else count[c.action]++;
    }
  }
  const skipped = count.skipped ? ` (${count.skipped} delete(s) skipped without --prune)` : '';
  if (plan.pending === 0) lines.push(`No changes.${skipped}`);
  else {
    const what = `${count.add} to add, ${count.change} to change, ${count.delete} to delete`;
    lines.push(
      verb === 'plan' ? `Plan: ${what}${skipped}.` : `Applied: ${what.replace(/ to /g, ' ')}${skipped}.`,
    );
  }
  return lines.join('\n');
}
