import type { SecretBox } from '../common/crypto';
import type { AccountLinking } from '../sync/engine';
import type { LeaversSettings } from '../sync/leavers/leavers-settings';

/**
 * The settings of an identity provider kept in identity_providers.config, one type per protocol.
 * Read in one place (`readIdpConfig`, the entity's column transformer): every key is checked for its
 * type and a value of another type (a row written by hand, by an older version) reads as absent,
 * so readers get what the type says. Secrets are not here (the sealed `secrets` column).
 */

/** Which claim or attribute gives the external id, email and name (defaults: sub/NameID, email, name). */
export interface ClaimMapping {
  externalId?: string;
  email?: string;
  displayName?: string;
}

/** Microsoft Graph access for Entra's group overage; the client secret is in the sealed secrets. */
interface GraphConfig {
  directoryId?: string;
  clientId?: string;
  tokenUrl?: string;
  baseUrl?: string;
}

/** Settings both protocols have. */
interface CommonConfig {
  claimMapping?: ClaimMapping;
  allowedDomains?: string[];
  accountLinking?: AccountLinking;
  verifiedDomains?: string[];
  debug?: boolean;
  graph?: GraphConfig;
  /** Leavers caught without a sign-in (src/sync/leavers); missing keys take the defaults. */
  leavers?: Partial<LeaversSettings>;
}

/** Size and shape limits of a posted SAML response (defaults in src/sso/saml-precheck.ts). */
interface SamlResponseLimitsConfig {
  maxResponseBytes?: number;
  maxDepth?: number;
  maxElements?: number;
  maxAttributes?: number;
}

export interface SamlConfig extends CommonConfig {
  /** The pasted federation metadata; entityId, ssoUrl and certificates are read from it at write. */
  metadataXml?: string;
  /** Where the metadata is read again on a schedule (src/identity-providers/metadata-refresh.service.ts). */
  idpMetadataUrl?: string;
  entityId?: string;
  ssoUrl?: string;
  ssoBinding?: 'redirect' | 'post';
  certificates?: string[];
  allowIdpInitiated?: boolean;
  wantResponseSigned?: boolean;
  clockSkewSeconds?: number;
  responseLimits?: SamlResponseLimitsConfig;
}

export type GroupsSource = 'id_token' | 'userinfo' | 'access_token';
type TokenAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface OidcConfig extends CommonConfig {
  issuer?: string;
  authorizationUrl?: string;
  tokenUrl?: string;
  userinfoUrl?: string;
  jwksUrl?: string;
  clientId?: string;
  scopes?: string[];
  pkce?: boolean;
  tokenAuthMethod?: TokenAuthMethod;
  /** Where groups are read, in order. */
  groupsFrom?: GroupsSource[];
}

/** An IdP's settings: the row's `type` says which (`samlConfigOf`, `oidcConfigOf`). */
export type IdpConfig = SamlConfig | OidcConfig;

const ACCOUNT_LINKING_VALUES: readonly AccountLinking[] = ['none', 'unowned', 'email'];

type Reader<T> = (value: unknown) => T | undefined;

const text: Reader<string> = (v) => (typeof v === 'string' ? v : undefined);
const flag: Reader<boolean> = (v) => (typeof v === 'boolean' ? v : undefined);
const integer: Reader<number> = (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
/** null is a stored value here ("off"), not an absent one. */
const integerOrNull: Reader<number | null> = (v) => (v === null ? null : integer(v));
const texts: Reader<string[]> = (v) =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined;
const oneOf =
  <T extends string>(values: readonly T[]): Reader<T> =>
  (v) =>
    values.find((x) => x === v);
/** The known values of a list, in order; a list with none reads as absent (the default applies). */
const someOf =
  <T extends string>(values: readonly T[]): Reader<T[]> =>
  (v) => {
    const known = Array.isArray(v) ? v.flatMap((x) => values.filter((y) => y === x)) : [];
    return known.length > 0 ? known : undefined;
  };

/** An object of known keys, each read by its reader; anything else (an array, null) reads as absent. */
function record<T extends object>(readers: { [K in keyof T]-?: Reader<T[K]> }): Reader<T> {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const stored = value as Record<string, unknown>;
    const out: Partial<T> = {};
    for (const key of Object.keys(readers) as (keyof T & string)[]) {
      // Own keys only: an inherited value was never stored.
      const read = readers[key](Object.hasOwn(stored, key) ? stored[key] : undefined);
      if (read !== undefined) out[key] = read;
    }
    return out as T;
  };
}

type AllConfig = SamlConfig & OidcConfig;

const readConfig = record<AllConfig>({
  claimMapping: record<ClaimMapping>({ externalId: text, email: text, displayName: text }),
  allowedDomains: texts,
  accountLinking: oneOf(ACCOUNT_LINKING_VALUES),
  verifiedDomains: texts,
  debug: flag,
  graph: record<GraphConfig>({ directoryId: text, clientId: text, tokenUrl: text, baseUrl: text }),
  leavers: record<Partial<LeaversSettings>>({
    graphRefreshHours: integerOrNull,
    notSeenDays: integer,
    blockNotSeenDays: integerOrNull,
  }),
  metadataXml: text,
  idpMetadataUrl: text,
  entityId: text,
  ssoUrl: text,
  ssoBinding: oneOf(['redirect', 'post'] as const),
  certificates: texts,
  allowIdpInitiated: flag,
  wantResponseSigned: flag,
  clockSkewSeconds: integer,
  responseLimits: record<SamlResponseLimitsConfig>({
    maxResponseBytes: integer,
    maxDepth: integer,
    maxElements: integer,
    maxAttributes: integer,
  }),
  issuer: text,
  authorizationUrl: text,
  tokenUrl: text,
  userinfoUrl: text,
  jwksUrl: text,
  clientId: text,
  scopes: texts,
  pkce: flag,
  tokenAuthMethod: oneOf(['client_secret_basic', 'client_secret_post', 'none'] as const),
  groupsFrom: someOf(['id_token', 'userinfo', 'access_token'] as const),
});

/** The stored settings as their types say (see the file comment); `{}` for a value that is no object. */
export function readIdpConfig(stored: unknown): IdpConfig {
  return readConfig(stored) ?? {};
}

/** The IdP's secrets (OIDC client secret, Microsoft Graph client secret), sealed in one box. */
export interface IdpSecrets {
  clientSecret?: string;
  graphClientSecret?: string;
}

/** Opens the IdP's sealed `secrets` column; `{}` when it holds none. */
export function openIdpSecrets(box: SecretBox, sealed: string | null): IdpSecrets {
  if (!sealed) return {};
  const stored: unknown = JSON.parse(box.open(sealed));
  return record<IdpSecrets>({ clientSecret: text, graphClientSecret: text })(stored) ?? {};
}

/** The SAML settings of a SAML IdP. Asking for another protocol's is a programming error. */
export function samlConfigOf(idp: { type: string; config: IdpConfig }): SamlConfig {
  if (idp.type !== 'saml') throw new Error(`identity provider of type ${idp.type} has no SAML settings`);
  return idp.config;
}

/** The OIDC settings of an OIDC IdP. Asking for another protocol's is a programming error. */
export function oidcConfigOf(idp: { type: string; config: IdpConfig }): OidcConfig {
  if (idp.type !== 'oidc') throw new Error(`identity provider of type ${idp.type} has no OIDC settings`);
  return idp.config;
}
