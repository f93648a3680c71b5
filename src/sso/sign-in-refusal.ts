/**
 * Every reason a sign-in can be refused before the sync, SAML's and OIDC's alike. The code is the
 * audit event's `details.code` and the log's `code`; refusals of the same code and IdP are folded
 * per minute when anyone could have caused them (SsoRefusalAudit).
 */
export type SignInRefusalCode =
  // any protocol: the route, the limits, who the IdP says signed in
  | 'not_found'
  | 'not_saml'
  | 'not_oidc'
  | 'rate_limited'
  | 'claim_missing'
  | 'claim_invalid'
  | 'test_sign_in_invalid'
  // SAML: the posted response
  | 'saml_no_response'
  | 'saml_too_large'
  | 'saml_too_complex'
  | 'saml_doctype'
  | 'saml_malformed'
  | 'saml_in_response_to'
  | 'saml_validation_busy'
  | 'saml_signature'
  | 'saml_audience'
  | 'saml_issuer'
  | 'saml_time'
  | 'saml_invalid'
  | 'saml_status'
  | 'saml_no_profile'
  | 'saml_destination'
  | 'saml_recipient'
  | 'saml_no_assertion_id'
  | 'saml_replay'
  // OIDC: the login state and the code flow
  | 'login_state_invalid'
  | 'login_browser_mismatch'
  | 'oidc_idp_error'
  | 'oidc_state_mismatch'
  | 'oidc_token_exchange_failed'
  | 'oidc_id_token_invalid'
  | 'oidc_idp_unreachable';

/** A refusal of the sign-in itself (before any sync), with words for the person and detail for the log. */
export class SignInRefusal extends Error {
  /**
   * True when the caller has not proven anything yet (no valid signature or token): such refusals
   * can be sent by anyone, so their audit events are aggregated (see SsoRefusalAudit).
   */
  unauthenticated = false;
  /** For 429: seconds the browser should wait (Retry-After). */
  retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly code: SignInRefusalCode,
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(reason);
  }

  /** A refusal of a request anyone could have sent (before a valid signature or token). */
  static unauthenticated(
    status: number,
    code: SignInRefusalCode,
    reason: string,
    detail?: string,
  ): SignInRefusal {
    const refusal = new SignInRefusal(status, code, reason, detail);
    refusal.unauthenticated = true;
    return refusal;
  }
}

/**
 * The IdP (its signature checked) sent an email address `normalizeEmail` refuses: nothing is looked
 * up or created with it. The detail, for the log only, shows the value with its invisible characters.
 */
export const invalidEmailRefusal = (email: string): SignInRefusal =>
  new SignInRefusal(
    401,
    'claim_invalid',
    'the identity provider sent an email address that is not valid',
    `email ${JSON.stringify(email.slice(0, 320))} is not a valid address`,
  );

/**
 * The database (or another part of ours) failed during a sign-in: not the caller's fault, so a 503
 * retry page rather than a refusal. node-saml wraps nothing, but it calls our request cache inside
 * its validation, so cache failures are marked with this type to be told apart from bad responses.
 */
export class SignInUnavailable extends Error {
  constructor(override readonly cause: unknown) {
    super(`Sign-in store failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
