// SAML: (a) bare @node-saml/node-saml validation of one signed response in a loop, and (b) full
// sign-ins over HTTP (POST to the ACS -> validate -> sync -> session) at 10 groups / 1k links and
// 500 groups / 10k links; prints the ratio (b)/(a). Responses are signed ahead of the timed loop.
// Run as its own process per dialect: entity column types are fixed when the entities load.
const { SAML, ValidateInResponseTo } = require('@node-saml/node-saml');
const { summarize, printRow, profiled } = require('./lib');
const { createSamlIdp, authnRequestId } = require('../test/support/saml-idp');

async function main(dialect, url) {
  Object.assign(process.env, { DATABASE_URL: url, ADMIN_TOKEN: 'bench-operator-token-0123456789abcdef', LOG_LEVEL: 'silent' });
  const port = 3810 + (dialect === 'postgres' ? 1 : 0);
  const publicUrl = `http://127.0.0.1:${port}`;
  process.env.PUBLIC_URL = publicUrl;
  require('reflect-metadata');
  const { NestFactory } = require('@nestjs/core');
  const { AppModule } = require('../dist/app.module');
  const { configureApp } = require('../dist/bootstrap');
  const app = await NestFactory.create(AppModule, { logger: false, bodyParser: false });
  configureApp(app);
  await app.listen(port, '127.0.0.1');
  const api = async (method, path, body) => {
    const res = await fetch(`${publicUrl}${path}`, {
      method,
      headers: { authorization: 'Bearer bench-operator-token-0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const idp = createSamlIdp('https://sts.windows.net/bench/');
  await api('POST', '/api/v1/tenants', { slug: 'bench', name: 'Bench' });

  for (const [groupCount, linkCount] of [
    [10, 1000],
    [500, 10000],
  ]) {
    const slug = `idp${groupCount}`;
    await api('POST', '/api/v1/tenants/bench/identity-providers', { slug, type: 'saml', metadataXml: idp.metadataXml, allowIdpInitiated: false });
    const spMetadata = await (await fetch(`${publicUrl}/sso/bench/${slug}/metadata`)).text();
    const acs = `${publicUrl}/sso/bench/${slug}/acs`;
    // links: linkCount over 200 groups, scoped to this IdP; the user's groups match groupCount of them
    const groupIds = [];
    for (let i = 0; i < 200; i++) groupIds.push((await api('POST', '/api/v1/tenants/bench/groups', { name: `${slug}-group-${i}` })).id);
    for (let i = 0; i < linkCount; i++) {
      await api('POST', `/api/v1/tenants/bench/groups/${groupIds[i % 200]}/links`, { externalGroup: `${slug}-ext-${i}`, role: 'developer', idp: slug });
    }
    const groups = Array.from({ length: groupCount }, (_, i) => `${slug}-ext-${i * 3}`);

    // (a) node-saml alone, on one response
    const sample = await idp.respond(spMetadata, acs, { nameId: 'bench@example.com', attributes: { groups } });
    const bare = new SAML({
      callbackUrl: acs,
      issuer: `${publicUrl}/sso/bench/${slug}/metadata`,
      audience: `${publicUrl}/sso/bench/${slug}/metadata`,
      idpCert: idp.certificate,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      validateInResponseTo: ValidateInResponseTo.never,
    });
    const bareTimes = [];
    for (let i = 0; i < 60; i++) {
      const t0 = process.hrtime.bigint();
      await bare.validatePostResponseAsync({ SAMLResponse: sample });
      bareTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const bareStats = summarize(bareTimes.slice(10), bareTimes.slice(10).reduce((a, b) => a + b, 0) / 1000);

    // (b) full sign-ins: AuthnRequests and signed answers prepared first, then only the ACS is timed
    const n = 20 + (groupCount > 100 ? 40 : 80);
    const prepared = [];
    for (let i = 0; i < n; i++) {
      const login = await fetch(`${publicUrl}/sso/bench/${slug}/login`, { redirect: 'manual' });
      const inResponseTo = authnRequestId(login.headers.get('location'));
      prepared.push(await idp.respond(spMetadata, acs, { inResponseTo, nameId: `u${i % 20}@example.com`, attributes: { groups } }));
    }
    const post = (SAMLResponse) =>
      fetch(acs, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ SAMLResponse }), redirect: 'manual' }).then(async (res) => {
        if (res.status !== 302) throw new Error(`ACS answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      });
    // The 20 users' first sign-ins (JIT, adds) are untimed: the figure is the everyday returning sign-in.
    for (const SAMLResponse of prepared.splice(0, 20)) await post(SAMLResponse);
    const times = [];
    const started = process.hrtime.bigint();
    await profiled(`saml-${dialect}-${groupCount}`, async () => {
      for (const SAMLResponse of prepared) {
        const t0 = process.hrtime.bigint();
        await post(SAMLResponse);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    });
    const full = summarize(times, Number(process.hrtime.bigint() - started) / 1e9);
    printRow(`[${dialect}] (a) node-saml validation, ${groupCount} groups (${Math.round(sample.length / 1024)} KB)`, bareStats);
    printRow(`[${dialect}] (b) full SAML sign-in, ${groupCount} groups / ${linkCount} links`, full);
    console.log(`  [${dialect}] ratio (b)/(a) in sign-ins per second: ${(full.perSecond / bareStats.perSecond).toFixed(2)}`);
  }
  await app.close();
}

if (require.main === module) {
  main(process.argv[2], process.argv[3]).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
