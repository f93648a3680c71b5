import type { IdentityProvider } from '../api/types';

/**
 * The connection form's remaining IdP settings: SAML response limits, OIDC group sources, who may
 * sign in (domains, account linking), debug logging and Microsoft Graph access. Each part adds only
 * what changed to the PATCH body, or its problems by form field (the keys of CONNECTION_FIELDS).
 */

export const ACCOUNT_LINKING = ['none', 'unowned', 'email'] as const;
const GROUP_SOURCES = new Set(['id_token', 'userinfo', 'access_token']);
/** The service's own check (src/identity-providers/dto/identity-provider.dto.ts). */
const DOMAIN_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i;

/** Each limit: its API name, bounds, and default (blank in the form). */
export const RESPONSE_LIMITS = {
  limitResponseBytes: { key: 'maxResponseBytes', min: 16384, max: 524288, default: 262144 },
  limitDepth: { key: 'maxDepth', min: 16, max: 64, default: 32 },
  limitElements: { key: 'maxElements', min: 200, max: 20000, default: 5000 },
  limitAttributes: { key: 'maxAttributes', min: 16, max: 128, default: 32 },
} as const;
type LimitField = keyof typeof RESPONSE_LIMITS;
const LIMIT_FIELDS = Object.keys(RESPONSE_LIMITS) as LimitField[];

export interface AccessForm {
  limitResponseBytes: string;
  limitDepth: string;
  limitElements: string;
  limitAttributes: string;
  /** Space-separated, in order. */
  groupsFrom: string;
  /** One domain a line. */
  allowedDomains: string;
  verifiedDomains: string;
  accountLinking: (typeof ACCOUNT_LINKING)[number];
  debug: boolean;
  graphDirectoryId: string;
  graphClientId: string;
  /** Write-only: blank keeps the stored secret. */
  graphClientSecret: string;
  graphTokenUrl: string;
  graphBaseUrl: string;
}

const GRAPH_KEYS = {
  graphClientId: 'clientId',
  graphTokenUrl: 'tokenUrl',
  graphBaseUrl: 'baseUrl',
} as const;

/**
 * Which API fields each form field shows the refusals of. The bare `responseLimits` and `graph`
 * come last so that a refusal naming one limit or one Graph field finds its own input first.
 */
export const ACCESS_FIELDS: Record<keyof AccessForm, readonly string[]> = {
  limitResponseBytes: ['responseLimits.maxResponseBytes'],
  limitElements: ['responseLimits.maxElements'],
  limitAttributes: ['responseLimits.maxAttributes'],
  limitDepth: ['responseLimits.maxDepth', 'responseLimits'],
  groupsFrom: ['groupsFrom'],
  allowedDomains: ['allowedDomains'],
  verifiedDomains: ['verifiedDomains'],
  accountLinking: ['accountLinking'],
  debug: ['debug'],
  graphClientId: ['graph.clientId'],
  graphClientSecret: ['graph.clientSecret'],
  graphTokenUrl: ['graph.tokenUrl'],
  graphBaseUrl: ['graph.baseUrl'],
  graphDirectoryId: ['graph.directoryId', 'graph'],
};

const limitText = (n: number | undefined) => (n === undefined ? '' : String(n));

export function accessForm(idp: IdentityProvider): AccessForm {
  const limits = idp.responseLimits ?? {};
  return {
    limitResponseBytes: limitText(limits.maxResponseBytes),
    limitDepth: limitText(limits.maxDepth),
    limitElements: limitText(limits.maxElements),
    limitAttributes: limitText(limits.maxAttributes),
    groupsFrom: (idp.groupsFrom ?? ['id_token', 'userinfo', 'access_token']).join(' '),
    allowedDomains: (idp.allowedDomains ?? []).join('\n'),
    verifiedDomains: (idp.verifiedDomains ?? []).join('\n'),
    accountLinking: idp.accountLinking ?? 'none',
    debug: idp.debug ?? false,
    graphDirectoryId: idp.graph?.directoryId ?? '',
    graphClientId: idp.graph?.clientId ?? '',
    graphClientSecret: '',
    graphTokenUrl: idp.graph?.tokenUrl ?? '',
    graphBaseUrl: idp.graph?.baseUrl ?? '',
  };
}

type Body = Record<string, unknown>;
type Errors = Record<string, string>;
const isHttpUrl = (value: string) => /^https?:\/\/[^\s/?#]+\S*$/i.test(value.trim());

/** SAML: the limits as one object (it replaces the stored one): blank ones take their default. */
function limitChanges(form: AccessForm, was: AccessForm, body: Body, errors: Errors): void {
  if (!LIMIT_FIELDS.some((k) => form[k] !== was[k])) return;
  const limits: Record<string, number> = {};
  for (const k of LIMIT_FIELDS) {
    const { key, min, max } = RESPONSE_LIMITS[k];
    const v = form[k].trim();
    if (!v) continue;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      errors[k] = `A whole number from ${min} to ${max}, or empty for the default`;
    limits[key] = Number(v);
  }
  body.responseLimits = limits;
}

/** OIDC: the sources of the groups claim, in order. */
function groupsFromChanges(form: AccessForm, was: AccessForm, body: Body, errors: Errors): void {
  if (form.groupsFrom === was.groupsFrom) return;
  const sources = form.groupsFrom.split(/[\s,]+/).filter(Boolean);
  const unknown = sources.filter((s) => !GROUP_SOURCES.has(s));
  if (sources.length === 0) errors.groupsFrom = 'At least one of id_token, userinfo, access_token';
  else if (unknown.length > 0)
    errors.groupsFrom = `Not a source: ${unknown.join(', ')} (id_token, userinfo, access_token)`;
  else if (new Set(sources).size !== sources.length) errors.groupsFrom = 'Name each source once';
  body.groupsFrom = sources;
}

/** A domain list field: one a line (commas and spaces also separate); empty clears it. */
function domainChanges(
  k: 'allowedDomains' | 'verifiedDomains',
  form: AccessForm,
  was: AccessForm,
  body: Body,
  errors: Errors,
): void {
  if (form[k] === was[k]) return;
  const domains = form[k].split(/[\s,]+/).filter(Boolean);
  const bad = domains.filter((d) => !DOMAIN_NAME.test(d));
  if (bad.length > 0) errors[k] = `Not a domain name like example.com: ${bad.join(', ')}`;
  else if (domains.length > 100) errors[k] = 'At most 100 domains';
  body[k] = domains;
}

/** Microsoft Graph: sent as one object with the directory id (the service requires it), merged there. */
function graphChanges(form: AccessForm, was: AccessForm, body: Body, errors: Errors): void {
  const keys = Object.keys(GRAPH_KEYS) as (keyof typeof GRAPH_KEYS)[];
  const changed = keys.filter((k) => form[k].trim() !== was[k]);
  const directoryId = form.graphDirectoryId.trim();
  if (changed.length === 0 && form.graphClientSecret === '' && directoryId === was.graphDirectoryId) return;
  if (!directoryId) errors.graphDirectoryId = 'The Entra directory (tenant) id is needed for Graph access';
  const graph: Body = { directoryId };
  for (const k of changed) {
    const v = form[k].trim();
    // The service merges Graph settings: a stored value cannot be cleared, only replaced.
    if (!v) errors[k] = 'Cannot be removed once set: type the value to use';
    else if (k !== 'graphClientId' && !isHttpUrl(v)) errors[k] = 'An http(s):// URL';
    graph[GRAPH_KEYS[k]] = v;
  }
  if (form.graphClientSecret !== '') graph.clientSecret = form.graphClientSecret;
  body.graph = graph;
}

/** Every part of this module that applies to the IdP's protocol. */
export function accessChanges(
  type: IdentityProvider['type'],
  form: AccessForm,
  was: AccessForm,
  body: Body,
  errors: Errors,
): void {
  if (type === 'saml') limitChanges(form, was, body, errors);
  else groupsFromChanges(form, was, body, errors);
  domainChanges('allowedDomains', form, was, body, errors);
  domainChanges('verifiedDomains', form, was, body, errors);
  if (form.accountLinking !== was.accountLinking) body.accountLinking = form.accountLinking;
  if (form.debug !== was.debug) body.debug = form.debug;
  graphChanges(form, was, body, errors);
}
