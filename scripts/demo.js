// npm run demo: groupsync on SQLite (./data/demo.sqlite) with the development IdP, a "demo"
// workspace wired to it, groups and links. Sign in at the printed address, pick groups, and watch
// memberships follow them; the audit log tells why. Ctrl-C stops it; running it again keeps the data.
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const port = Number(process.env.PORT || 3000);
const base = `http://localhost:${port}`;
const token = process.env.ADMIN_TOKEN || 'demo-operator-token-change-me-0123456789';
const env = {
  ...process.env,
  PORT: String(port),
  PUBLIC_URL: base,
  DATABASE_URL: process.env.DATABASE_URL || 'sqlite:./data/demo.sqlite',
  ADMIN_TOKEN: token,
  DEV_IDP: 'true',
  LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
};

async function api(method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok && res.status !== 409) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function seed() {
  await api('POST', '/api/v1/tenants', { slug: 'demo', name: 'Demo workspace' });
  const metadataXml = await (await fetch(`${base}/dev-idp/metadata`)).text();
  const groupSync = { adminGroups: ['demo-admins'], prohibitSignupIfNotInGroup: true };
  const created = await api('POST', '/api/v1/tenants/demo/identity-providers', {
    slug: 'dev',
    type: 'saml',
    name: 'Development IdP',
    metadataXml,
    groupSync,
  });
  // An existing IdP gets the current metadata (the key file may have been replaced).
  if (created.status === 409) await api('PATCH', '/api/v1/tenants/demo/identity-providers/dev', { metadataXml, groupSync });

  const existing = (await api('GET', '/api/v1/tenants/demo/groups')).body;
  const byName = new Map((existing.items ?? existing).map((g) => [g.name, g.id]));
  const group = async (name, parentName) => {
    if (!byName.has(name)) {
      const parentId = parentName ? byName.get(parentName) : undefined;
      byName.set(name, (await api('POST', '/api/v1/tenants/demo/groups', { name, parentId })).body.id);
    }
    return byName.get(name);
  };
  const links = [
    ['Engineering', null, 'engineering', 'developer'],
    ['Platform', 'Engineering', 'platform-leads', 'maintainer'],
    ['Support', null, 'support', 'reporter'],
    ['Support', null, 'CN=Support Leads,OU=Groups,DC=demo,DC=example', 'maintainer'],
  ];
  for (const [name, parent, externalGroup, role] of links) {
    const id = await group(name, parent);
    await api('POST', `/api/v1/tenants/demo/groups/${id}/links`, { externalGroup, role });
  }
}

async function main() {
  const child = spawn(process.execPath, ['--disable-proto=delete', join(__dirname, '..', 'dist', 'main.js')], { env, stdio: 'inherit' });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 150) throw new Error(`groupsync did not answer on ${base}/health`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await seed();
  console.log(`
groupsync demo is running on SQLite (${env.DATABASE_URL}) with the development IdP.

  Admin UI:      ${base}/sso/demo/dev/login?returnTo=/admin/t/demo
                 (sign in as any email with "demo-admins" ticked: you land in the demo workspace's admin UI;
                 the platform operator signs in at ${base}/admin/ with the token ${token})

  1. Sign in:    ${base}/sso/demo/dev/login
                 type any email, tick "engineering" and "support", press Sign in:
                 you land on ${base}/sso/demo/me with your memberships.
  2. Sign in again with other groups: memberships are added, re-roled and removed to match.
                 Tick "demo-admins" to become a workspace admin; tick nothing to see sign-up denied.
  3. Read why:   curl -s -H 'Authorization: Bearer ${token}' '${base}/api/v1/tenants/demo/audit-events?limit=20'
     API docs:   ${base}/api/docs

Ctrl-C stops the demo.`);
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`);
  process.exit(1);
});
