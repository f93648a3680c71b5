// planSync alone (pure, in-process): 500 external groups x 10,000 links x 200 current memberships,
// then the same with 100 pattern links added (globs, regexes, capture links; goal: still under 5 ms).
const { summarize, printRow } = require('./lib');

module.exports = async function syncEngineBench() {
  const { buildSyncContext, planSync, resolvePolicy } = require('../dist/sync/engine');
  const { compileRegex } = require('../dist/sync/pattern-regex');
  const policy = resolvePolicy({ caseSensitive: false });
  const groups = Array.from({ length: 2000 }, (_, i) => ({ id: `g${i}`, name: `Group ${i}`, parentId: null }));
  const roles = ['guest', 'reporter', 'developer', 'maintainer', 'owner'];
  // 10,000 links over 2,000 groups, a third of them scoped to another IdP
  const links = Array.from({ length: 10000 }, (_, i) => ({
    id: `l${i}`,
    groupId: `g${i % 2000}`,
    idpId: i % 3 === 0 ? 'other-idp' : i % 3 === 1 ? 'idp' : null,
    externalGroup: `ext-${i}`,
    role: roles[i % 5],
  }));
  // the user is in 500 external groups (half of them linked) and holds 200 memberships
  const external = { groups: Array.from({ length: 500 }, (_, i) => `ext-${i * 37}`.toLowerCase()), status: 'present', complete: true };
  const memberships = Array.from({ length: 200 }, (_, i) => ({ groupId: `g${i * 7}`, role: roles[i % 5], source: i % 4 === 0 ? 'manual' : 'sync' }));
  const ownerCounts = new Map(memberships.filter((m) => m.role === 'owner').map((m) => [m.groupId, 2]));
  const user = { id: 'u1', isAdmin: false, adminSource: null };

  const ctxTimes = [];
  let ctx;
  for (let i = 0; i < 200; i++) {
    const t0 = process.hrtime.bigint();
    ctx = buildSyncContext({ idpId: 'idp', policy, groups, links });
    ctxTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const planTimes = [];
  let plan;
  for (let i = 0; i < 2000; i++) {
    const t0 = process.hrtime.bigint();
    plan = planSync(ctx, { user, memberships, external, ownerCounts });
    planTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const warm = (xs) => xs.slice(Math.floor(xs.length / 10)); // drop JIT warm-up
  const sum = (xs) => xs.reduce((a, b) => a + b, 0) / 1000;
  printRow('buildSyncContext (2,000 groups, 10,000 links)', summarize(warm(ctxTimes), sum(warm(ctxTimes))));
  printRow('planSync (500 ext groups x 10,000 links x 200 memberships)', summarize(warm(planTimes), sum(warm(planTimes))));
  console.log(`  plan: ${plan.adds.length} adds, ${plan.roleChanges.length} role changes, ${plan.removals.length} removals, ${plan.kept.length} kept`);

  // 100 pattern links on top: 50 globs, 30 regexes with a literal prefix, 10 capture links, and 10
  // regexes without a literal prefix (each of those runs on every claim: the prefix filter cannot help).
  const patternLinks = Array.from({ length: 100 }, (_, i) => {
    const base = { id: `p${i}`, groupId: `g${(i * 13) % 2000}`, idpId: null, role: roles[i % 5] };
    if (i < 50) return { ...base, matchType: 'glob', externalGroup: `dept-${i}-*` };
    if (i < 80) return { ...base, matchType: 'regex', externalGroup: `^proj-${i}-[a-z0-9]+$` };
    if (i < 90) return { ...base, matchType: 'regex', externalGroup: `^team${i}-(.+)$`, targetFromCapture: true };
    return { ...base, matchType: 'regex', externalGroup: `.*-(admins|owners)-${i}` };
  });
  // 100 of the 500 claims now match pattern links (the other 400 as before).
  const patternClaims = Array.from({ length: 100 }, (_, i) =>
    i < 50 ? `dept-${i}-x${i}` : i < 80 ? `proj-${i}-r${i}` : i < 90 ? `team${i}-group ${i * 5}` : `eu-admins-${i}`,
  );
  const withPatterns = { ...external, groups: [...external.groups.slice(0, 400), ...patternClaims] };
  const allLinks = [...links, ...patternLinks];
  const ctxTimes2 = [];
  for (let i = 0; i < 200; i++) {
    const t0 = process.hrtime.bigint();
    ctx = buildSyncContext({ idpId: 'idp', policy, groups, links: allLinks, compileRegex });
    ctxTimes2.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const planTimes2 = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = process.hrtime.bigint();
    plan = planSync(ctx, { user, memberships, external: withPatterns, ownerCounts });
    planTimes2.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  printRow('buildSyncContext (+100 pattern links)', summarize(warm(ctxTimes2), sum(warm(ctxTimes2))));
  printRow('planSync (500 ext groups x 10,000 links + 100 pattern links)', summarize(warm(planTimes2), sum(warm(planTimes2))));
  const viaPattern = plan.adds.filter((a) => a.reason.includes('matches the')).length;
  console.log(`  plan: ${plan.adds.length} adds (${viaPattern} through a pattern), ${plan.removals.length} removals, ${plan.captureMisses.length} capture misses`);
};
