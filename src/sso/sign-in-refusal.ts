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
    readonly code: string,
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(reason);
  }

  /** A refusal of a request anyone could have sent (before a valid signature or token). */
  static unauthenticated(status: number, code: string, reason: string, detail?: string): SignInRefusal {
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
