// SAML: (a) bare @node-saml/node-saml validation of one signed response in a loop, and (b) full
// sign-ins over HTTP (POST to the ACS -> validate -> sync -> session) against the service running
// as its own process, as in production, at 10 groups / 1k links and 500 groups / 10k links.
// Prints the ratio (b)/(a) of sign-ins per second. Responses are signed before the timed loops.
const { SAML, ValidateInResponseTo } = require('@node-saml/node-saml');
const { startService, measure, summarize, printRow } = require('./lib');
const { createSamlIdp, authnRequestId } = require('../test/support/saml-idp');

module.exports = async function samlBench(dialect, port) {
  process.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
  const svc = await startService(dialect, port);
  try {
    const idp = createSamlIdp('https://sts.windows.net/bench/');
    await svc.api('POST', '/api/v1/tenants', { slug: 'bench', name: 'Bench' });
    for (const [groupCount, linkCount] of [
      [10, 1000],
      [500, 10000],
    ]) {
      await measureSize(svc, idp, dialect, groupCount, linkCount);
    }
  } finally {
    await svc.stop();
  }
};

async function measureSize(svc, idp, dialect, groupCount, linkCount) {
  const slug = `idp${groupCount}`;
  // The same users sign in through each size's IdP: later IdPs may link them (docs/sync.md section 15).
  await svc.api('POST', '/api/v1/tenants/bench/identity-providers', { slug, type: 'saml', metadataXml: idp.metadataXml, accountLinking: 'email', verifiedDomains: ['example.com'] });
  const spMetadata = await (await fetch(`${svc.base}/sso/bench/${slug}/metadata`)).text();
  const acs = `${svc.base}/sso/bench/${slug}/acs`;
  // linkCount links over 200 groups, scoped to this IdP; the user's groups match groupCount of them
  const groupIds = [];
  for (let i = 0; i < 200; i++) groupIds.push((await svc.api('POST', '/api/v1/tenants/bench/groups', { name: `${slug}-group-${i}` })).id);
  await measure(linkCount, 4, (i) =>
    svc.api('POST', `/api/v1/tenants/bench/groups/${groupIds[i % 200]}/links`, { externalGroup: `${slug}-ext-${i}`, role: 'developer', idp: slug }),
  );
  const groups = Array.from({ length: groupCount }, (_, i) => `${slug}-ext-${i * 3}`);

  // (a) node-saml alone, validating one response over and over
  const sample = await idp.respond(spMetadata, acs, { nameId: 'bench@example.com', attributes: { groups } });
  const bare = new SAML({
    callbackUrl: acs,
    issuer: `${svc.base}/sso/bench/${slug}/metadata`,
    audience: `${svc.base}/sso/bench/${slug}/metadata`,
    idpCert: idp.certificate,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    validateInResponseTo: ValidateInResponseTo.never,
  });
  const bareTimes = [];
  for (let i = 0; i < 70; i++) {
    const t0 = process.hrtime.bigint();
    await bare.validatePostResponseAsync({ SAMLResponse: sample });
    bareTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const timed = bareTimes.slice(20);
  const bareStats = summarize(timed, timed.reduce((a, b) => a + b, 0) / 1000);

  // (b) full sign-ins: each answers its own AuthnRequest (InResponseTo), signed ahead of time
  const users = 20;
  const sequential = groupCount > 100 ? 40 : 100;
  const parallel = groupCount > 100 ? 80 : 200;
  const prepared = [];
  for (let i = 0; i < users + sequential + parallel; i++) {
    const login = await fetch(`${svc.base}/sso/bench/${slug}/login`, { redirect: 'manual' });
    const inResponseTo = authnRequestId(login.headers.get('location'));
    prepared.push(await idp.respond(spMetadata, acs, { inResponseTo, nameId: `u${i % users}@example.com`, attributes: { groups } }));
  }
  const post = async (SAMLResponse) => {
    const res = await fetch(acs, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse }), redirect: 'manual' });
    if (res.status !== 302) throw new Error(`ACS answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  };
  // The users' first sign-ins (JIT, adds) are untimed: the figures are the everyday returning sign-in.
  for (const SAMLResponse of prepared.splice(0, users)) await post(SAMLResponse);
  const one = prepared.splice(0, sequential);
  const seq = await measure(one.length, 1, (i) => post(one[i]));
  // prom-client's event-loop lag histogram restarts at each scrape: this one opens the window.
  await svc.metrics();
  const many = await measure(prepared.length, 4, (i) => post(prepared[i]));
  const lag = (await svc.metrics()).match(/^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([0-9.e+-]+)$/m);

  const label = `${groupCount} groups / ${linkCount} links`;
  printRow(`[${dialect}] (a) node-saml validation, ${groupCount} groups (${Math.round(sample.length / 1024)} KB)`, bareStats);
  printRow(`[${dialect}] (b) full SAML sign-in, ${label}, 1 in flight`, seq);
  printRow(`[${dialect}] (b) full SAML sign-in, ${label}, 4 in flight`, many);
  console.log(`  [${dialect}] p99 event-loop lag of the service during the 4-in-flight storm: ${lag ? (Number(lag[1]) * 1000).toFixed(1) : '?'} ms${process.env.WORKERS > 1 ? ' (the average of the workers, as the primary aggregates it)' : ''}, load average ${require('node:os').loadavg()[0].toFixed(1)}`);
  console.log(`  [${dialect}] ratio (b)/(a) in sign-ins per second: ${(many.perSecond / bareStats.perSecond).toFixed(2)} (4 in flight), ${(seq.perSecond / bareStats.perSecond).toFixed(2)} (1 in flight)`);
}
