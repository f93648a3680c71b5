// The OIDC test provider lives in plain JavaScript so `npm run bench` can use the same one.
//
// oidc-provider is ESM-only, so Jest transforms it (and koa, jose, ... under it) with SWC before it
// can load: on a cold Jest cache that is ~10 s of CPU, far more on a loaded machine. The harness
// imports it lazily, which put that cost inside the first `beforeAll` that starts a provider, under
// Jest's 30 s hook timeout: on a cold cache next to the integration suites the hook timed out and
// every test of test/e2e/oidc.e2e.ts failed. Loaded here, the transform happens while the test file
// loads (no timeout applies), and the harness's import finds the module already loaded.
// Its import warns that Node 20 is older than it supports (it works: MACHINE-NOTES); that one line
// is dropped, nothing else.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (!/^oidc-provider WARNING: Unsupported runtime/.test(String(args[0]))) warn(...args);
};
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('oidc-provider');
} finally {
  console.warn = warn;
}

export { startTestOidcProvider } from './oidc-provider-harness';
export type { TestOidcProvider, TestOidcProviderOptions } from './oidc-provider-harness';
