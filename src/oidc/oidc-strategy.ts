import type { Request } from 'express';
import * as client from 'openid-client';
import {
  Strategy as OpenIdStrategy,
  type AuthenticateOptions,
  type StrategyOptionsWithRequest,
  type VerifyFunctionWithRequest,
} from 'openid-client/passport';
import passport from 'passport';

/** What a login keeps until its callback: openid-client's PKCE verifier, our state and nonce. */
export interface OidcLoginState {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** One IdP's relying-party settings, for one request. */
export interface OidcRequestSettings {
  config: client.Configuration;
  callbackUrl: string;
  scope: string;
  /** false: the provider does not take PKCE; the challenge is left out of the authorization request. */
  pkce: boolean;
  /** true: `prompt=login`, the provider asks for credentials even when it has a session (a test sign-in). */
  forceLogin?: boolean;
}

/** What the strategy asks of its host: settings per request, and where login state lives. */
export interface OidcStrategyHost {
  settingsFor(req: Request): Promise<OidcRequestSettings>;
  /** Keeps a new login's state before the browser goes to the provider. */
  saveLogin(req: Request, login: OidcLoginState): Promise<void>;
  /** The login state the callback answers, used up; throws (a refusal) when there is none. */
  takeLogin(req: Request): Promise<OidcLoginState>;
  /**
   * What a failure inside openid-client's strategy becomes: its own errors (exchange, ID token,
   * provider error, `error` null with passport's `fail` info) and whatever `verify` threw.
   */
  refusalOf(error: unknown, info?: { message?: string }): Error;
}

export type OidcStep = 'login' | 'callback';
export type OidcAuthenticateOptions = AuthenticateOptions & { step?: OidcStep };

const SESSION_KEY = 'oidc';
type LoginSession = Record<string, { code_verifier?: string; nonce?: string; state?: string } | undefined>;

/**
 * openid-client's passport Strategy for one IdP: it adds our own state and nonce to the
 * authorization request (both checked at the callback), never starts a login from the callback
 * address, whatever its query says, and reads the answer against our configured callback URL.
 */
class IdpOidcStrategy extends OpenIdStrategy {
  constructor(
    options: StrategyOptionsWithRequest,
    verify: VerifyFunctionWithRequest,
    private readonly callbackUrl: string,
  ) {
    super(options, verify);
  }

  /** The provider's answer as our callback URL with the request's query: never built from the Host header. */
  override currentUrl(req: Request): URL {
    const path = req.originalUrl ?? req.url;
    return new URL(`${this.callbackUrl}${path.includes('?') ? path.slice(path.indexOf('?')) : ''}`);
  }

  override authorizationRequestParams<T extends AuthenticateOptions>(req: Request, options: T) {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options) as URLSearchParams);
    params.set('state', client.randomState());
    params.set('nonce', client.randomNonce());
    return params;
  }

  override shouldInitiateAuthRequest<T extends AuthenticateOptions>(_req: Request, _url: URL, options: T) {
    return (options as OidcAuthenticateOptions).step === 'login';
  }
}

/**
 * The OIDC sign-in strategy of every tenant's IdPs, in passport's shape: per request it builds
 * openid-client's Strategy with that IdP's configuration (as passport-saml's MultiSamlStrategy does
 * for SAML) and lets it run the authorization request or the code exchange. openid-client keeps
 * login state in `req.session`; here that is a per-request object filled from, and saved to, the
 * host's store (the database), so any instance can finish a sign-in another one started.
 */
export class MultiOidcStrategy extends passport.Strategy {
  override readonly name = 'oidc';

  constructor(
    private readonly host: OidcStrategyHost,
    private readonly verify: VerifyFunctionWithRequest,
  ) {
    super();
  }

  override authenticate(req: Request, options: OidcAuthenticateOptions = {}): void {
    // Failures before openid-client runs (no such login, the store) are the host's own errors.
    this.run(req, options).catch((error: Error) => this.error(error));
  }

  private async run(req: Request, options: OidcAuthenticateOptions): Promise<void> {
    const settings = await this.host.settingsFor(req);
    const session: LoginSession = {};
    if (options.step === 'callback') {
      const login = await this.host.takeLogin(req);
      session[SESSION_KEY] = { code_verifier: login.codeVerifier, nonce: login.nonce, state: login.state };
    }
    Object.assign(req, { session });
    const strategy = new IdpOidcStrategy(
      {
        config: settings.config,
        name: this.name,
        sessionKey: SESSION_KEY,
        callbackURL: settings.callbackUrl,
        scope: settings.scope,
        passReqToCallback: true,
      },
      this.verify,
      settings.callbackUrl,
    );
    // passport's actions of this request, for openid-client's strategy to call
    const step = Object.assign(Object.create(strategy) as IdpOidcStrategy & passport.StrategyCreatedStatic, {
      success: (user: Express.User, info?: object) => this.success(user, info),
      fail: (info?: { message?: string }) => this.error(this.host.refusalOf(null, info ?? {})),
      error: (error: unknown) => this.error(this.host.refusalOf(error)),
      pass: () => this.pass(),
      redirect: (url: string) => {
        const stored = session[SESSION_KEY];
        const target = new URL(url);
        if (!settings.pkce) {
          target.searchParams.delete('code_challenge');
          target.searchParams.delete('code_challenge_method');
        }
        this.host
          .saveLogin(req, {
            state: stored?.state ?? '',
            nonce: stored?.nonce ?? '',
            codeVerifier: stored?.code_verifier ?? '',
          })
          .then(
            () => this.redirect(target.href),
            (error: unknown) => this.error(error as Error),
          );
      },
    });
    const login = options.step === 'login' && settings.forceLogin;
    step.authenticate(req, login ? { ...options, prompt: 'login' } : options);
  }
}
