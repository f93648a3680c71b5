/** Who the IdP says signed in, read from a validated SAML assertion or OIDC ID token. */
export interface SignedInIdentity {
  externalId: string;
  email: string;
  displayName: string | null;
  /** OIDC `email_verified` of the token that carried `email`; null when absent (SAML: absent). */
  emailVerified?: boolean | null;
  /** The claims the group sync reads (groups, overage markers). */
  attributes: Record<string, unknown>;
  /** Where the browser goes afterwards, as the login step stored it (checked again before use). */
  returnTo: string | null;
}
