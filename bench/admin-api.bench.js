// Admin API: GET a group's links with 1,000 links, and POST new links, on each database.
const { startService, measure, printRow } = require('./lib');

module.exports = async function adminApiBench(dialect, port) {
  const svc = await startService(dialect, port);
  try {
    await svc.api('POST', '/api/v1/tenants', { slug: 'bench', name: 'Bench' });
    const group = await svc.api('POST', '/api/v1/tenants/bench/groups', { name: 'Big group' });
    const links = `/api/v1/tenants/bench/groups/${group.id}/links`;
    const post = await measure(1000, 4, (i) => svc.api('POST', links, { externalGroup: `idp-group-${i}`, role: 'developer' }));
    printRow(`[${dialect}] POST links (1,000 created, 4 in flight)`, post);
    const listed = await svc.api('GET', links);
    if (listed.length !== 1000) throw new Error(`expected 1000 links, got ${listed.length}`);
    await measure(20, 2, () => svc.api('GET', links)); // warm-up
    const get = await measure(300, 4, () => svc.api('GET', links));
    printRow(`[${dialect}] GET links of a group with 1,000 links (4 in flight)`, get);
  } finally {
    await svc.stop();
  }
};
