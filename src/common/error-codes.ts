// Every error code the service answers with, by feature, and its HTTP status: the one table.
// Codes are stable strings clients switch on; add a feature's new codes here, never a status at the throw.

const ERROR_STATUS = {
  // Any request: input, credentials, limits (also what framework exceptions map to).
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  invalid_key: 400,
  invalid_string: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  too_many_failed_credentials: 429,
  internal_error: 500,
  // tenants
  tenant_slug_taken: 409,
  tenant_not_empty: 409,
  /** ?force=true overrides a lock only for the platform operator. */
  force_requires_operator: 403,
  // identity providers
  identity_provider_slug_taken: 409,
  invalid_identity_provider: 400,
  invalid_metadata: 400,
  /** Save-time checks (src/identity-providers/idp-checks.ts); details.field names the setting. */
  invalid_certificate: 400,
  insecure_url: 400,
  oidc_discovery_failed: 400,
  metadata_fetch_failed: 400,
  metadata_url_not_set: 409,
  leavers_not_configured: 409,
  identity_provider_in_use: 409,
  /** A test sign-in through an IdP that is turned off (its sign-in address answers 404). */
  identity_provider_disabled: 409,
  // groups and memberships
  group_name_taken: 409,
  group_cycle: 400,
  group_not_empty: 409,
  membership_locked: 409,
  last_owner: 409,
  // group links
  group_link_exists: 409,
  invalid_link_pattern: 400,
  // custom roles
  role_name_taken: 409,
  role_rank_taken: 409,
  role_in_use: 409,
  role_built_in: 409,
  // users
  user_email_taken: 409,
  // sync: pause and the removal circuit breaker
  sync_paused: 409,
  // jobs
  job_finished: 409,
  // webhooks
  invalid_webhook_url: 400,
  /** A test event to a webhook that is turned off (enabled false, or disabled after failing). */
  webhook_disabled: 409,
  // SCIM: RFC 7644's scimType values (section 3.12), answered under that name.
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 403,
} as const;

/** A code of the table, or `<thing>_not_found` (404), which notFound() builds for any resource. */
export type ErrorCode = keyof typeof ERROR_STATUS | `${string}_not_found`;

export function statusOf(code: ErrorCode): number {
  if (code in ERROR_STATUS) return ERROR_STATUS[code as keyof typeof ERROR_STATUS];
  return 404; // `${string}_not_found`, by the type
}

/** The code of a framework exception that carries only a status (Nest's NotFoundException, ...). */
export function codeOfStatus(status: number): ErrorCode | 'error' {
  const generic: Record<number, ErrorCode> = {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'too_many_requests',
  };
  return generic[status] ?? 'error';
}
