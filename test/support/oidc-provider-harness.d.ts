export interface TestOidcProviderOptions {
  clients: {
    client_id: string;
    client_secret?: string;
    redirect_uris: string[];
    token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'none';
  }[];
  /** Claims per account id (the `sub`); mutate between sign-ins to change groups. */
  accounts: Record<string, Record<string, unknown>>;
  /** Put every granted claim (groups included) in the ID token, not only in userinfo. Default true. */
  claimsInIdToken?: boolean;
  pkceRequired?: boolean;
  /** Issue JWT access tokens (resource indicators) carrying each account's `accessTokenGroups` as `groups`. */
  jwtAccessTokens?: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  /** The provider's signing key and its kid, for tests that forge tokens the provider would trust. */
  signingKey: import('node:crypto').KeyObject;
  kid: string;
  /** Follows the authorize redirect through login and consent; answers the redirect to the client. */
  signIn(authorizeUrl: string, accountId: string): Promise<URL>;
  close(): Promise<void>;
}

export function startTestOidcProvider(options: TestOidcProviderOptions): Promise<TestOidcProvider>;
