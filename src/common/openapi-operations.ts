import { JOB_OPERATIONS } from './openapi-jobs';
import { WEBHOOK_OPERATIONS } from './openapi-webhooks';

/**
 * Summaries and answers of every operation, in one place: Nest builds the paths from the
 * controllers, this fills in what the handlers (plain objects) cannot say, and adds the SSO and SCIM
 * routes, whose controllers are kept out of Nest's scan (form posts, redirects, SCIM's own media
 * type). A decorator on a handler wins over an entry here. test/e2e/openapi-complete.e2e.ts fails
 * on an operation without a summary, a 2xx schema or error answers.
 */
interface Answer {
  description: string;
  /** A component name, `[Name]` for an array of it, or a media type's raw schema. */
  schema?: string;
  mediaType?: string;
}
export interface OperationDoc {
  summary: string;
  description?: string;
  ok: Record<number, Answer>;
  /** Error statuses beyond the defaults (400, 401, 403, 429, and 404 on paths with parameters). */
  errors?: number[];
}

const json = (schema: string, description = 'OK'): Answer => ({ description, schema });
const none = (description = 'Done; no body'): Answer => ({ description });
const pageOr = (item: string, pageName: string): Answer => ({
  description: `The whole list as an array; with ?limit= or ?cursor= a page {items, nextCursor}`,
  schema: `[${item}]|${pageName}`,
});

const DELETE_RULE =
  'Anything attached makes a plain delete answer 409 (group_not_empty, identity_provider_in_use, ' +
  'tenant_not_empty) with a DeletePreview in details; ?force=true deletes it all and the audit event ' +
  'records every row it took; ?dryRun=true answers the DeletePreview and deletes nothing.';
const LOCK_RULE =
  'With the tenant setting lockSyncedMemberships, a group that links manage refuses manual changes ' +
  '(409 membership_locked, the links in details); the operator token may send ?force=true (audited ' +
  'as an override); anyone else sending it gets 403 force_requires_operator.';

export const OPERATIONS: Record<string, OperationDoc> = {
  'GET /health': {
    summary: 'Liveness and readiness: the database is migrated and reachable',
    ok: { 200: json('Health') },
  },
  'GET /metrics': {
    summary: 'Prometheus metrics (operator token; or without a token on METRICS_PORT)',
    ok: {
      200: {
        description: 'Prometheus text exposition format',
        schema: 'text',
        mediaType: 'text/plain; version=0.0.4',
      },
    },
  },
  'POST /api/v1/operator-session': { summary: 'Exchange the operator token for the admin UI cookie', ok: {} },
  'GET /api/v1/operator-session': { summary: 'The operator session and its CSRF token', ok: {} },
  'DELETE /api/v1/operator-session': { summary: 'Sign the operator out everywhere', ok: { 204: none() } },

  'POST /api/v1/tenants': {
    summary: 'Create a tenant (operator only)',
    ok: { 201: json('Tenant', 'Created') },
    errors: [409],
  },
  'GET /api/v1/tenants': {
    summary: 'List tenants (the operator sees all, a tenant credential its own)',
    ok: { 200: json('[Tenant]') },
  },
  'GET /api/v1/tenants/{tenant}': { summary: 'Read a tenant', ok: { 200: json('Tenant') } },
  'PATCH /api/v1/tenants/{tenant}': {
    summary: 'Rename a tenant or change its settings',
    ok: { 200: json('Tenant') },
  },
  'DELETE /api/v1/tenants/{tenant}': {
    summary: 'Delete a tenant and everything it owns (operator only; ?force=true when it is not empty)',
    description: DELETE_RULE,
    ok: { 204: none(), 200: json('DeletePreview', 'With ?dryRun=true: what would go, nothing deleted') },
    errors: [409],
  },
  'GET /api/v1/tenants/{tenant}/overview': {
    summary: 'Overview: per IdP the last sign-in, refusal and SCIM request; the last 24 hours of sync',
    ok: { 200: json('Overview') },
  },

  'POST /api/v1/tenants/{tenant}/api-keys': {
    summary: 'Create an API key (the token is shown once)',
    ok: { 201: json('NewApiKey', 'Created') },
  },
  'GET /api/v1/tenants/{tenant}/api-keys': { summary: 'List API keys', ok: { 200: json('[ApiKey]') } },
  'DELETE /api/v1/tenants/{tenant}/api-keys/{keyId}': { summary: 'Revoke an API key', ok: { 204: none() } },

  'POST /api/v1/tenants/{tenant}/identity-providers': {
    summary: 'Connect a SAML or OIDC identity provider',
    description:
      'Checked when saved: signing certificates must be valid now (invalid_certificate), URLs https outside ' +
      'development (insecure_url), an OIDC issuer must serve a matching discovery document ' +
      '(oidc_discovery_failed), idpMetadataUrl must be readable (metadata_fetch_failed); details.field names the setting.',
    ok: { 201: json('IdentityProvider', 'Created, with the URLs to give the IdP') },
    errors: [409],
  },
  'GET /api/v1/tenants/{tenant}/identity-providers': {
    summary: 'List identity providers',
    ok: { 200: json('[IdentityProvider]') },
  },
  'GET /api/v1/tenants/{tenant}/identity-providers/{idp}': {
    summary: 'Read an identity provider',
    ok: { 200: json('IdentityProvider') },
  },
  'PATCH /api/v1/tenants/{tenant}/identity-providers/{idp}': {
    summary: 'Change an identity provider or its group-sync policy',
    ok: { 200: json('IdentityProvider') },
  },
  'DELETE /api/v1/tenants/{tenant}/identity-providers/{idp}': {
    summary: 'Delete an identity provider (?force=true when links, identities or SCIM data hang off it)',
    description: DELETE_RULE,
    ok: { 204: none(), 200: json('DeletePreview', 'With ?dryRun=true: what would go, nothing deleted') },
    errors: [409],
  },
  'POST /api/v1/tenants/{tenant}/identity-providers/{idp}/metadata-refresh': {
    summary: 'SAML: read the IdP metadata URL now and apply changed certificates or endpoints',
    description:
      'What the METADATA_REFRESH_MINUTES schedule does, at once. A failed read is recorded on the IdP ' +
      '(metadataRefresh.error) and audited, and answered 200 with `error`; the working settings are kept. ' +
      '409 metadata_url_not_set when the IdP has no idpMetadataUrl.',
    ok: { 200: json('MetadataRefreshResult') },
    errors: [409],
  },
  'POST /api/v1/tenants/{tenant}/identity-providers/{idp}/graph-refresh': {
    summary:
      'Leavers: read the groups of users not seen for leavers.notSeenDays through Microsoft Graph and apply them',
    description:
      'Only complete Graph answers change anything; a user Graph says is gone is blocked. ' +
      "?dryRun=true answers each user's plan and writes nothing. 409 without Graph settings.",
    ok: { 200: json('GraphRefreshResult') },
    errors: [409],
  },
  'POST /api/v1/tenants/{tenant}/identity-providers/{idp}/block-inactive': {
    summary: 'Leavers: block users of this IdP not seen (sign-in or SCIM) for leavers.blockNotSeenDays',
    description:
      '?dryRun=true lists who would be blocked (with &notSeenDays=N to preview another value). ' +
      '409 when the rule is off and no notSeenDays is given to a dry run.',
    ok: { 200: json('InactivityResult') },
    errors: [409],
  },

  'POST /api/v1/tenants/{tenant}/users': {
    summary: 'Pre-provision a user',
    ok: { 201: json('User', 'Created') },
    errors: [409],
  },
  'GET /api/v1/tenants/{tenant}/users': {
    summary: 'List or find users by email',
    ok: { 200: pageOr('User', 'UserPage') },
  },
  'GET /api/v1/tenants/{tenant}/users/{userId}': {
    summary: 'Read a user with memberships, external groups and identities',
    ok: { 200: json('User') },
  },
  'GET /api/v1/tenants/{tenant}/users/{userId}/memberships': {
    summary: 'Why the user is in each group with each role',
    description:
      'Each membership with its source, the links and claim values or SCIM groups that match it, why ' +
      'the role, when a sign-in or SCIM push last confirmed it and its last audited change; and the roles inherited from parent groups.',
    ok: { 200: json('MembershipsWhy') },
  },
  'PATCH /api/v1/tenants/{tenant}/users/{userId}': {
    summary: 'Rename, block/unblock, or make a user admin by hand',
    ok: { 200: json('User') },
  },
  'DELETE /api/v1/tenants/{tenant}/users/{userId}': { summary: 'Delete a user', ok: { 204: none() } },

  'POST /api/v1/tenants/{tenant}/groups': {
    summary: 'Create a group (optionally inside another)',
    ok: { 201: json('Group', 'Created') },
    errors: [409],
  },
  'GET /api/v1/tenants/{tenant}/groups': {
    summary: 'List groups by name',
    ok: { 200: pageOr('Group', 'GroupPage') },
  },
  'GET /api/v1/tenants/{tenant}/groups/{groupId}': { summary: 'Read a group', ok: { 200: json('Group') } },
  'PATCH /api/v1/tenants/{tenant}/groups/{groupId}': {
    summary: 'Rename, describe or move a group',
    ok: { 200: json('Group') },
    errors: [409],
  },
  'DELETE /api/v1/tenants/{tenant}/groups/{groupId}': {
    summary: 'Delete a group (?force=true when it has subgroups, links or members: they go with it)',
    description: DELETE_RULE,
    ok: { 204: none(), 200: json('DeletePreview', 'With ?dryRun=true: what would go, nothing deleted') },
    errors: [409],
  },
  'GET /api/v1/tenants/{tenant}/groups/{groupId}/members': {
    summary: 'Members with role, source, and roles inherited from parent groups',
    ok: { 200: pageOr('Member', 'MemberPage') },
  },
  'PUT /api/v1/tenants/{tenant}/groups/{groupId}/members/{userId}': {
    summary: 'Add a member or change their role by hand (source becomes manual)',
    description: LOCK_RULE,
    ok: { 200: json('Membership') },
    errors: [409],
  },
  'DELETE /api/v1/tenants/{tenant}/groups/{groupId}/members/{userId}': {
    summary: 'Remove a member',
    description: LOCK_RULE,
    ok: { 204: none() },
    errors: [409],
  },

  'GET /api/v1/tenants/{tenant}/groups/{groupId}/links': {
    summary: "List a group's links",
    ok: { 200: pageOr('GroupLink', 'GroupLinkPage') },
  },
  'POST /api/v1/tenants/{tenant}/groups/{groupId}/links': {
    summary: 'Link an IdP group to this group with a role (?dryRun=true previews the impact)',
    description:
      'matchType glob or regex makes a pattern link (docs/sync.md, "Pattern links"); an invalid or unsafe ' +
      'pattern, or one pattern link over the workspace limit (100), answers 400 invalid_link_pattern with the reason.',
    ok: {
      201: json('GroupLink', 'Created'),
      200: json('LinkDryRun', 'With ?dryRun=true: the impact, nothing written'),
    },
    errors: [409],
  },
  'GET /api/v1/tenants/{tenant}/groups/{groupId}/links/{linkId}': {
    summary: 'Read a link',
    ok: { 200: json('GroupLink') },
  },
  'PATCH /api/v1/tenants/{tenant}/groups/{groupId}/links/{linkId}': {
    summary: "Change a link's role or label (?dryRun=true previews the impact)",
    ok: { 200: json('GroupLink|LinkDryRun', 'The link; with ?dryRun=true the impact, nothing written') },
  },
  'DELETE /api/v1/tenants/{tenant}/groups/{groupId}/links/{linkId}': {
    summary: 'Delete a link (?dryRun=true previews who would lose what)',
    ok: { 204: none(), 200: json('LinkDryRun', 'With ?dryRun=true: the impact, nothing written') },
  },

  'GET /api/v1/tenants/{tenant}/roles': {
    summary: "The tenant's roles, lowest rank first: the built-in ladder and its custom roles",
    ok: { 200: json('[Role]') },
  },
  'POST /api/v1/tenants/{tenant}/roles': {
    summary: 'Add a custom role with a name and a rank (1-49, unique: ties are refused)',
    ok: { 201: json('Role', 'Created') },
    errors: [409],
  },
  'GET /api/v1/tenants/{tenant}/roles/{role}': { summary: 'Read a role', ok: { 200: json('Role') } },
  'PATCH /api/v1/tenants/{tenant}/roles/{role}': {
    summary: "Change a custom role's rank or description, or rename it while nothing uses it",
    ok: { 200: json('Role') },
    errors: [409],
  },
  'DELETE /api/v1/tenants/{tenant}/roles/{role}': {
    summary: 'Delete a custom role; 409 naming the links, memberships and IdPs that still use it',
    ok: { 204: none() },
    errors: [409],
  },

  'POST /api/v1/tenants/{tenant}/sync/preview': {
    summary: 'What a sign-in with these groups would do (writes nothing)',
    ok: { 200: json('SyncPlan') },
  },
  'POST /api/v1/tenants/{tenant}/sync/reconcile': {
    summary: 'Apply the current links now to users from their stored external groups',
    description:
      'Over JOBS_RECONCILE_THRESHOLD users (default 500) it runs as a job: 202 {job} with a Location header.',
    ok: {
      200: json('ReconcileResult'),
      202: json('ReconcileQueued', 'Queued as a job (more users than JOBS_RECONCILE_THRESHOLD)'),
    },
    errors: [409],
  },
  ...JOB_OPERATIONS,
  ...WEBHOOK_OPERATIONS,
  'POST /api/v1/tenants/{tenant}/sync/resume': {
    summary: 'Resume a paused sync (?dryRun=true lists the pending changes per user, writes nothing)',
    description:
      'Over JOBS_RECONCILE_THRESHOLD users (default 500) the pending changes are applied by a job: the ' +
      'pause is lifted and the job queued together, 202 {job} with a Location header. ?dryRun=true always ' +
      'answers at once.',
    ok: {
      200: json('SyncResume'),
      202: json(
        'SyncResumeQueued',
        'Pause lifted; the changes are applied by a job (more users than JOBS_RECONCILE_THRESHOLD)',
      ),
    },
  },
  'GET /api/v1/tenants/{tenant}/staged-removals': {
    summary: 'Removals the circuit breaker staged, oldest first, cursor-paged',
    ok: { 200: json('StagedRemovalPage') },
  },
  'POST /api/v1/tenants/{tenant}/staged-removals/approve': {
    summary: 'Apply staged removals (all, or by ids) after checking each again',
    ok: { 200: json('StagedRemovalsApproved') },
  },
  'POST /api/v1/tenants/{tenant}/staged-removals/discard': {
    summary: 'Drop staged removals (all, or by ids): everyone keeps their membership',
    ok: { 200: json('StagedRemovalsDiscarded') },
  },
  'POST /api/v1/tenants/{tenant}/identity-providers/{idp}/test-sign-in': {
    summary: 'Start a test sign-in: a login URL that runs a real sign-in as a dry run (writes nothing)',
    description:
      'Open loginUrl in a browser within 15 minutes, once. The IdP answer is fully validated, planned ' +
      'like a sign-in and stored as the result; no user, identity, session, membership or claim is ' +
      'written, only the audit event sso.test_sign_in. The browser lands on the admin UI result page.',
    ok: { 201: json('NewTestSignIn', 'Started') },
    errors: [409],
  },
  'GET /api/v1/tenants/{tenant}/identity-providers/{idp}/test-sign-ins/{id}': {
    summary:
      'A test sign-in and its result: claims, normalized groups, matched links, the plan or the refusal',
    ok: { 200: json('TestSignIn') },
  },
  'GET /api/v1/tenants/{tenant}/audit-events': {
    summary: 'Audit events, newest first, filtered and cursor-paged',
    ok: { 200: json('AuditPage') },
  },

  'GET /api/v1/tenants/{tenant}/audit-events.csv': {
    summary: 'Every audit event of the filter as CSV, newest first, streamed (no paging, no cap)',
    description:
      'Takes the filters of GET .../audit-events (not cursor or limit). Read in batches of 1,000 by ' +
      'cursor inside, so memory stays constant. Fields starting with = + - @ are prefixed with a quote.',
    ok: { 200: { description: 'RFC 4180 CSV with a header line', schema: 'text', mediaType: 'text/csv' } },
  },

  'POST /api/v1/tenants/{tenant}/scim-tokens': {
    summary: 'Create a SCIM token for an IdP (shown once)',
    ok: { 201: json('NewScimToken', 'Created') },
  },
  'GET /api/v1/tenants/{tenant}/scim-tokens': {
    summary: 'List active SCIM tokens',
    ok: { 200: json('[ScimToken]') },
  },
  'DELETE /api/v1/tenants/{tenant}/scim-tokens/{tokenId}': {
    summary: 'Revoke a SCIM token',
    ok: { 204: none() },
  },
};

const html = (description: string): Answer => ({ description, schema: 'html', mediaType: 'text/html' });
const redirect = (description: string): Answer => ({ description });

/** Browser sign-in routes (SSO controller, excluded from Nest's scan): described here. */
export const SSO_OPERATIONS: Record<string, OperationDoc & { parameters?: string[]; body?: string }> = {
  'GET /sso/{tenant}/{idp}/login': {
    summary: 'Start a sign-in: redirect to the IdP (SAML AuthnRequest, or OIDC with state, nonce, PKCE)',
    parameters: ['returnTo', 'test'],
    ok: { 302: redirect('To the IdP') },
  },
  'POST /sso/{tenant}/{idp}/acs': {
    summary: 'SAML assertion consumer (HTTP-POST binding): validate, sync groups, start the session',
    body: 'application/x-www-form-urlencoded',
    ok: {
      302: redirect('Signed in: to returnTo (same origin) or /sso/{tenant}/me'),
      200: html('Refused or not signed in: a plain page with the reason and a correlation id'),
    },
  },
  'GET /sso/{tenant}/{idp}/callback': {
    summary: 'OIDC redirect URI: exchange the code, sync groups, start the session',
    parameters: ['code', 'state'],
    ok: {
      302: redirect('Signed in: to returnTo (same origin) or /sso/{tenant}/me'),
      200: html('Refused: a plain page with the reason'),
    },
  },
  'GET /sso/{tenant}/{idp}/metadata': {
    summary: 'SAML service-provider metadata to give the IdP',
    ok: { 200: { description: 'SP metadata', schema: 'xml', mediaType: 'application/samlmetadata+xml' } },
  },
  'GET /sso/{tenant}/me': {
    summary: 'The signed-in user of this tenant with their groups and the CSRF token',
    ok: { 200: json('SignedInUser') },
  },
  'GET /sso/{tenant}/me/last-sign-in': {
    summary: "What the signed-in person's last sign-in changed in their groups, and why (session cookie)",
    ok: { 200: json('LastSignIn') },
  },
  'POST /sso/{tenant}/logout': { summary: 'End the session of this tenant', ok: { 204: none() } },
};

/** SCIM 2.0 (RFC 7644), bearer SCIM token of the tenant; answers in application/scim+json. */
export const SCIM_OPERATIONS: Record<string, OperationDoc & { body?: string }> = {
  'GET /scim/v2/{tenant}/ServiceProviderConfig': {
    summary: 'SCIM service provider configuration',
    ok: { 200: json('ScimResource') },
  },
  'GET /scim/v2/{tenant}/ResourceTypes': {
    summary: 'SCIM resource types',
    ok: { 200: json('ScimListResponse') },
  },
  'GET /scim/v2/{tenant}/ResourceTypes/{id}': {
    summary: 'One SCIM resource type',
    ok: { 200: json('ScimResource') },
  },
  'GET /scim/v2/{tenant}/Schemas': { summary: 'SCIM schemas', ok: { 200: json('ScimListResponse') } },
  'GET /scim/v2/{tenant}/Schemas/{id}': { summary: 'One SCIM schema', ok: { 200: json('ScimResource') } },
  'GET /scim/v2/{tenant}/{resource}': {
    summary: 'List Users or Groups (filter, startIndex, count, attributes, excludedAttributes)',
    ok: { 200: json('ScimListResponse') },
  },
  'POST /scim/v2/{tenant}/{resource}': {
    summary: 'Create a User or Group',
    body: 'application/scim+json',
    ok: { 201: json('ScimResource', 'Created') },
    errors: [409],
  },
  'GET /scim/v2/{tenant}/{resource}/{id}': {
    summary: 'Read a User or Group',
    ok: { 200: json('ScimResource') },
  },
  'PUT /scim/v2/{tenant}/{resource}/{id}': {
    summary: 'Replace a User or Group',
    body: 'application/scim+json',
    ok: { 200: json('ScimResource') },
    errors: [409],
  },
  'PATCH /scim/v2/{tenant}/{resource}/{id}': {
    summary: 'Modify a User or Group (PatchOp; group members add/remove re-plan the users)',
    body: 'application/scim+json',
    ok: { 200: json('ScimResource'), 204: none() },
    errors: [409],
  },
  'DELETE /scim/v2/{tenant}/{resource}/{id}': {
    summary: 'Delete (or block, per tenant setting) a User, or delete a Group',
    ok: { 204: none() },
  },
};
