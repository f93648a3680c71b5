// A real OpenID provider (the `oidc-provider` package) on 127.0.0.1, with static clients, PKCE, a
// `groups` claim (and Entra-style extras) and its development login/consent forms, plus a browser
// stand-in that completes those forms with fetch and a cookie jar. Plain JavaScript so the
// benchmarks use the same provider as the tests; types in oidc-provider-harness.d.ts.
const { createPrivateKey, randomBytes } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { pooledKey } = require('./test-keys');
const { createServer } = require('node:http');

async function startTestOidcProvider(options) {
  const { Provider, createMemoryAdapter } = await loadOidcProvider();
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  // A key of the tests' pool (made once per machine), distinct from every other one in this process.
  const privateKey = createPrivateKey(readFileSync(pooledKey(), 'utf8'));
  const jwk = {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomBytes(6).toString('hex'),
    use: 'sig',
    alg: 'RS256',
  };
  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: c.client_secret ? 'client_secret_basic' : 'none',
      ...c,
    })),
    jwks: { keys: [jwk] },
    pkce: { required: () => options.pkceRequired ?? true },
    // Entra-style extras ride with `groups`: the object id and the overage pointers.
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups', 'oid', '_claim_names', '_claim_sources', 'hasgroups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: !(options.claimsInIdToken ?? true),
    // Said explicitly, so the provider does not warn about development defaults on every start: an
    // in-memory store, the lifetimes, and login/consent pages of our own (interaction() below).
    adapter: createMemoryAdapter(),
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: 3600,
      Grant: 3600,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      // JWT access tokens carrying `accessTokenGroups` as `groups`, as Entra and Okta can issue them
      ...(options.jwtAccessTokens
        ? {
            resourceIndicators: {
              enabled: true,
              defaultResource: () => 'urn:groupsync:test-api',
              useGrantedResource: () => true,
              getResourceServerInfo: () => ({
                scope: 'openid email profile groups',
                audience: 'urn:groupsync:test-api',
                accessTokenFormat: 'jwt',
              }),
            },
          }
        : {}),
    },
    extraTokenClaims: async (_ctx, token) => {
      const groups =
        token.kind === 'AccessToken' ? options.accounts[token.accountId]?.accessTokenGroups : undefined;
      return groups ? { groups } : undefined;
    },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    findAccount: async (_ctx, sub) => {
      if (!options.accounts[sub]) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...options.accounts[sub] }) };
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) =>
    req.url.startsWith('/interaction/') ? interaction(provider, req, res) : callback(req, res),
  );
  return {
    issuer,
    signingKey: privateKey,
    kid: jwk.kid,
    signIn: (authorizeUrl, accountId) => completeInteractions(issuer, authorizeUrl, accountId),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * ESM-only package: loaded lazily so only the code that needs it pays for it. Its import warns that
 * Node 20 is older than it supports (it works: MACHINE-NOTES); that one line is dropped, nothing else.
 */
async function loadOidcProvider() {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!/^oidc-provider WARNING: Unsupported runtime/.test(String(args[0]))) warn(...args);
  };
  try {
    const { default: Provider } = await import('oidc-provider');
    const { createMemoryAdapter } = await import('oidc-provider/lib/adapters/memory_adapter.js');
    return { Provider, createMemoryAdapter };
  } finally {
    console.warn = warn;
  }
}

/**
 * The login and consent pages (what oidc-provider's devInteractions would serve): a form named after
 * the prompt; posting it signs in as the account named in `login`, or grants what the client asked.
 */
async function interaction(provider, req, res) {
  try {
    const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
    if (req.method !== 'POST') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<form method="post"><input name="${prompt.name}"></form>`);
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    if (prompt.name === 'login') {
      const result = { login: { accountId: form.get('login') } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    const { details } = prompt;
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    for (const [indicator, scope] of Object.entries(details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scope.join(' '));
    }
    const result = { consent: { grantId: await grant.save() } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(String(error));
  }
}

/** Walks authorize -> login form -> consent form -> redirect back, keeping the provider's cookies. */
async function completeInteractions(issuer, authorizeUrl, accountId) {
  const jar = new Map();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let url = new URL(authorizeUrl);
  let body;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin !== issuer) return url; // back at the client: done
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      headers: {
        cookie: cookieHeader(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
      redirect: 'manual',
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    body = undefined;
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const html = await res.text();
    const interaction = /\/interaction\/([\w-]+)/.exec(url.pathname);
    if (res.status !== 200 || !interaction)
      throw new Error(`OIDC test provider answered ${res.status} at ${url}: ${html.slice(0, 300)}`);
    // A login or consent form of the development interactions: submit it.
    body = /name="login"/.test(html)
      ? new URLSearchParams({ prompt: 'login', login: accountId, password: 'any' })
      : new URLSearchParams({ prompt: 'consent' });
    url = new URL(`/interaction/${interaction[1]}`, issuer);
  }
  throw new Error('OIDC test provider: too many redirects');
}

module.exports = { startTestOidcProvider };
