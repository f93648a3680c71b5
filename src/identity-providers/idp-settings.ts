import { badRequest } from '../common/errors';
import { leaversIntervalHours, leaversSettings } from '../sync/leavers/leavers-settings';
import type { IdentityProviderSettingsDto } from './dto/identity-provider.dto';
import type { IdentityProvider, IdpType } from './identity-provider.entity';
import { type IdpConfig, samlConfigOf } from './idp-config';
import { IdpMetadata, MetadataError, parseIdpMetadata } from './saml-metadata';

/**
 * An IdP's settings as written: which fields each protocol takes, merged over the stored ones,
 * pasted (or fetched) metadata read into them, and the completeness check.
 */

// Fields both protocols use.
const COMMON_FIELDS = [
  'claimMapping',
  'allowedDomains',
  'accountLinking',
  'verifiedDomains',
  'debug',
] as const;
const SAML_FIELDS = [
  'metadataXml',
  'idpMetadataUrl',
  'entityId',
  'ssoUrl',
  'certificates',
  'allowIdpInitiated',
  'wantResponseSigned',
  'clockSkewSeconds',
  'responseLimits',
  ...COMMON_FIELDS,
] as const;
const OIDC_FIELDS = [
  'issuer',
  'authorizationUrl',
  'tokenUrl',
  'userinfoUrl',
  'jwksUrl',
  'clientId',
  'scopes',
  'pkce',
  'tokenAuthMethod',
  'groupsFrom',
  ...COMMON_FIELDS,
] as const;
export const OIDC_DEFAULTS = { scopes: ['openid', 'profile', 'email'], pkce: true };
// URLs the server itself fetches (SAML ssoUrl is only where browsers are sent).
export const FETCHED_URLS = ['issuer', 'authorizationUrl', 'tokenUrl', 'userinfoUrl', 'jwksUrl'] as const;
export const FETCHED_GRAPH_URLS = ['tokenUrl', 'baseUrl'] as const;

export function protocolConfig(
  type: IdpType,
  dto: IdentityProviderSettingsDto,
  current: IdpConfig,
): Record<string, unknown> {
  const own: readonly string[] = type === 'saml' ? SAML_FIELDS : OIDC_FIELDS;
  const common = new Set<string>(COMMON_FIELDS);
  const foreign = (type === 'saml' ? [...OIDC_FIELDS, 'clientSecret'] : SAML_FIELDS).filter(
    (k) => !common.has(k) && (dto as Record<string, unknown>)[k] !== undefined,
  );
  if (foreign.length > 0) {
    throw badRequest(
      'invalid_identity_provider',
      `Fields ${foreign.join(', ')} do not apply to a ${type.toUpperCase()} identity provider`,
      {
        fields: foreign,
      },
    );
  }
  const config: Record<string, unknown> = { ...current };
  if (dto.graph !== undefined) {
    const { clientSecret: _secret, ...graph } = dto.graph; // the secret goes to the sealed box
    config.graph = { ...current.graph, ...graph };
  }
  for (const key of own) {
    const value = (dto as Record<string, unknown>)[key];
    if (value !== undefined) config[key] = value;
  }
  if (dto.leavers !== undefined) config.leavers = { ...leaversSettings(current), ...dto.leavers };
  assertLeavers(config);
  return config;
}

/** A scheduled Graph refresh needs Graph to ask (docs/sync.md, "Leavers"). */
function assertLeavers(config: Record<string, unknown>): void {
  const graph = config.graph as { directoryId?: string } | undefined;
  if (leaversSettings(config).graphRefreshHours !== null && !graph?.directoryId)
    throw badRequest(
      'invalid_identity_provider',
      'leavers.graphRefreshHours needs Microsoft Graph settings (graph.directoryId and credentials)',
      { field: 'leavers.graphRefreshHours' },
    );
}

/** The first scheduled leaver run: one interval after the setting is saved; null when both rules are off. */
export function nextLeaversRun(config: Record<string, unknown>): Date | null {
  const hours = leaversIntervalHours(leaversSettings(config));
  return hours === null ? null : new Date(Date.now() + hours * 3_600_000);
}

/**
 * SAML: the entity id, SSO URL and certificates read from pasted metadata, or from the metadata
 * `fetched` from idpMetadataUrl (kept as metadataXml); explicit fields win.
 */
export function withMetadata(
  dto: IdentityProviderSettingsDto,
  config: Record<string, unknown>,
  fetched?: string,
): Record<string, unknown> {
  const xml = fetched ?? dto.metadataXml;
  if (!xml) return config;
  if (fetched !== undefined) config.metadataXml = fetched;
  const parsed = readMetadata(xml, fetched !== undefined ? 'idpMetadataUrl' : 'metadataXml');
  for (const [key, value] of Object.entries(parsed))
    if (dto[key as keyof IdentityProviderSettingsDto] === undefined) config[key] = value;
  return config;
}

/** Parsed metadata, or a 400 invalid_metadata naming the field it came from. */
function readMetadata(xml: string, field: string): IdpMetadata {
  try {
    return parseIdpMetadata(xml);
  } catch (error) {
    if (error instanceof MetadataError)
      throw badRequest('invalid_metadata', `The SAML metadata cannot be used: ${error.message}`, { field });
    throw error;
  }
}

export function assertComplete(type: IdpType, config: Record<string, unknown>, hasSecret: boolean): void {
  const missing: string[] = [];
  if (type === 'saml') {
    if (!config.metadataXml)
      for (const k of ['entityId', 'ssoUrl', 'certificates']) if (!config[k]) missing.push(k);
    if (missing.length > 0) missing.unshift('metadataXml, or all of');
  } else {
    if (!config.clientId) missing.push('clientId');
    if (!config.issuer)
      for (const k of ['authorizationUrl', 'tokenUrl', 'jwksUrl']) if (!config[k]) missing.push(k);
    if (!hasSecret && config.pkce === false) missing.push('clientSecret (or pkce: true for a public client)');
  }
  if (missing.length > 0) {
    const what =
      type === 'saml'
        ? 'A SAML identity provider needs'
        : 'An OIDC identity provider needs issuer or explicit URLs, and';
    throw badRequest('invalid_identity_provider', `${what}: ${missing.join(' ')}`.replace('of ', 'of: '), {
      missing,
    });
  }
}

export function publicConfig(idp: IdentityProvider): IdpConfig & { hasMetadataXml?: true } {
  if (idp.type !== 'saml') return { ...idp.config };
  const { metadataXml, ...rest } = samlConfigOf(idp);
  return metadataXml ? { ...rest, hasMetadataXml: true } : rest;
}
