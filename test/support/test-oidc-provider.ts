// The OIDC test provider lives in plain JavaScript so `npm run bench` can use the same one.
export { startTestOidcProvider } from './oidc-provider-harness';
export type { TestOidcProvider, TestOidcProviderOptions } from './oidc-provider-harness';
