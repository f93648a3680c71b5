import type { Request } from 'express';
import type { Configuration, TokenEndpointResponse, TokenEndpointResponseHelpers } from 'openid-client';
import { codeFlowRefusal, OidcSettings } from '../../src/oidc/oidc-client';
import { MultiOidcStrategy, OidcLoginState, OidcStep } from '../../src/oidc/oidc-strategy';

type Tokens = TokenEndpointResponse & TokenEndpointResponseHelpers;

/**
 * Runs the real MultiOidcStrategy (openid-client's passport Strategy per IdP) the way passport does,
 * for one IdP configuration, with the login state kept in memory instead of the database.
 */
export class OidcStrategyDriver {
  private saved: OidcLoginState | null = null;
  private login: OidcLoginState | null = null;
  private readonly strategy: MultiOidcStrategy;

  constructor(config: Configuration, settings: OidcSettings, callbackUrl: string) {
    this.strategy = new MultiOidcStrategy(
      {
        settingsFor: async () => ({
          config,
          callbackUrl,
          scope: (settings.scopes ?? ['openid', 'profile', 'email']).join(' '),
          pkce: settings.pkce !== false,
        }),
        saveLogin: async (_req, login) => {
          this.saved = login;
        },
        takeLogin: async () => this.login!,
        refusalOf: codeFlowRefusal,
      },
      (_req, tokens, done) => done(null, { tokens }),
    );
  }

  /** The authorization URL, and the login state the strategy asked to keep. */
  async start(): Promise<{ url: string; login: OidcLoginState }> {
    const outcome = await this.run('login', '/login');
    return { url: outcome.redirect!, login: this.saved! };
  }

  /** The callback the provider sent the browser to, answered with this login state. */
  async finish(back: URL, login: OidcLoginState): Promise<Tokens> {
    this.login = login;
    return (await this.run('callback', back.pathname + back.search)).tokens!;
  }

  private run(step: OidcStep, path: string): Promise<{ redirect?: string; tokens?: Tokens }> {
    const req = {
      method: 'GET',
      protocol: 'http',
      host: '127.0.0.1',
      originalUrl: path,
      url: path,
      query: Object.fromEntries(new URL(path, 'http://127.0.0.1').searchParams),
    } as unknown as Request;
    return new Promise((resolve, reject) => {
      const actions = {
        success: (user: { tokens: Tokens }) => resolve({ tokens: user.tokens }),
        redirect: (url: string) => resolve({ redirect: url }),
        error: reject,
        fail: () => reject(new Error('the strategy failed without an error')),
        pass: () => reject(new Error('the strategy passed')),
      };
      const perRequest = Object.assign(Object.create(this.strategy) as MultiOidcStrategy, actions);
      perRequest.authenticate(req, { step });
    });
  }
}
