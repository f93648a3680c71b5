// planSync alone (pure, in-process): 500 external groups x 10,000 links x 200 current memberships.
const { summarize, printRow } = require('./lib');

module.exports = async function syncEngineBench() {
  const { buildSyncContext, planSync, resolvePolicy } = require('../dist/sync/engine');
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
};
