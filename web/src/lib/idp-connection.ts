import type { IdentityProvider } from '../api/types';
import { ACCESS_FIELDS, accessChanges, accessForm, type AccessForm } from './idp-access';
import { metadataProblems } from './metadata';

/**
 * The connection form of an existing IdP: its SAML or OIDC settings as form fields, and back into
 * a PATCH body that carries only what the admin changed (blank secret and blank pasted metadata
 * keep what is stored), or the problems by field before anything is sent.
 */

export const TOKEN_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
type TokenAuthMethod = (typeof TOKEN_AUTH_METHODS)[number];

export interface ConnectionForm extends AccessForm {
  name: string;
  enabled: boolean;
  // SAML
  idpMetadataUrl: string;
  /** New federation metadata to read (blank: keep the settings as they are). */
  metadataXml: string;
  entityId: string;
  ssoUrl: string;
  /** PEM certificates, one after the other. */
  certificates: string;
  allowIdpInitiated: boolean;
  wantResponseSigned: boolean;
  clockSkewSeconds: string;
  // OIDC
  issuer: string;
  authorizationUrl: string;
  tokenUrl: string;
  userinfoUrl: string;
  jwksUrl: string;
  clientId: string;
  /** Write-only: blank keeps the stored secret. */
  clientSecret: string;
  pkce: boolean;
  /** Space-separated. */
  scopes: string;
  tokenAuthMethod: TokenAuthMethod;
  // Both
  claimExternalId: string;
  claimEmail: string;
  claimDisplayName: string;
}

const SAML_KEYS = [
  'idpMetadataUrl',
  'metadataXml',
  'entityId',
  'ssoUrl',
  'certificates',
  'allowIdpInitiated',
  'wantResponseSigned',
  'clockSkewSeconds',
] as const;
const OIDC_KEYS = [
  'issuer',
  'authorizationUrl',
  'tokenUrl',
  'userinfoUrl',
  'jwksUrl',
  'clientId',
  'clientSecret',
  'pkce',
  'scopes',
  'tokenAuthMethod',
] as const;
const OIDC_URLS = ['issuer', 'authorizationUrl', 'tokenUrl', 'userinfoUrl', 'jwksUrl'] as const;

/** Which API fields each form field shows the refusals of (for placeErrors). */
export const CONNECTION_FIELDS: Record<string, readonly string[]> = {
  name: ['name'],
  enabled: ['enabled'],
  ...Object.fromEntries([...SAML_KEYS, ...OIDC_KEYS].map((k) => [k, [k]])),
  claimExternalId: ['claimMapping.externalId'],
  claimEmail: ['claimMapping.email'],
  claimDisplayName: ['claimMapping.displayName', 'claimMapping'],
  ...ACCESS_FIELDS,
};

export function connectionForm(idp: IdentityProvider): ConnectionForm {
  return {
    name: idp.name ?? idp.slug,
    enabled: idp.enabled,
    idpMetadataUrl: idp.idpMetadataUrl ?? '',
    metadataXml: '',
    entityId: idp.entityId ?? '',
    ssoUrl: idp.ssoUrl ?? '',
    certificates: (idp.certificates ?? []).map((c) => c.trim()).join('\n'),
    allowIdpInitiated: idp.allowIdpInitiated ?? false,
    wantResponseSigned: idp.wantResponseSigned ?? false,
    clockSkewSeconds: idp.clockSkewSeconds === undefined ? '' : String(idp.clockSkewSeconds),
    issuer: idp.issuer ?? '',
    authorizationUrl: idp.authorizationUrl ?? '',
    tokenUrl: idp.tokenUrl ?? '',
    userinfoUrl: idp.userinfoUrl ?? '',
    jwksUrl: idp.jwksUrl ?? '',
    clientId: idp.clientId ?? '',
    clientSecret: '',
    pkce: idp.pkce ?? true,
    scopes: (idp.scopes ?? ['openid', 'profile', 'email']).join(' '),
    tokenAuthMethod: idp.tokenAuthMethod ?? 'client_secret_basic',
    claimExternalId: idp.claimMapping?.externalId ?? '',
    claimEmail: idp.claimMapping?.email ?? '',
    claimDisplayName: idp.claimMapping?.displayName ?? '',
    ...accessForm(idp),
  };
}

/** The PEM blocks of a paste; text without any is taken as one base64 DER certificate. */
export function splitCertificates(value: string): string[] {
  const pems = value.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  if (pems) return pems;
  return value.trim() ? [value.trim()] : [];
}

const isHttpUrl = (value: string) => /^https?:\/\/[^\s/?#]+\S*$/i.test(value.trim());

type Body = Record<string, unknown>;
type Errors = Record<string, string>;

/** The changed SAML settings into `body`, problems into `errors`. */
function samlChanges(form: ConnectionForm, was: ConnectionForm, body: Body, errors: Errors): void {
  const changed = (k: keyof ConnectionForm) => form[k] !== was[k];
  const url = form.idpMetadataUrl.trim();
  if (changed('idpMetadataUrl')) {
    if (url && !isHttpUrl(url)) errors.idpMetadataUrl = 'An http(s):// URL, or empty to stop reading one';
    body.idpMetadataUrl = url || null;
  }
  const xml = form.metadataXml.trim();
  if (xml) {
    if (/^https?:\/\//i.test(xml)) errors.metadataXml = 'This is a URL: put it in "Metadata URL" above';
    else if (url && changed('idpMetadataUrl'))
      errors.metadataXml = 'Give the metadata URL or paste the XML, not both';
    else {
      const problems = metadataProblems(xml);
      if (problems.length) errors.metadataXml = problems.join(' ');
      body.metadataXml = xml;
    }
  }
  if (changed('entityId')) {
    if (!form.entityId.trim()) errors.entityId = "The IdP's entity id cannot be empty";
    body.entityId = form.entityId.trim();
  }
  if (changed('ssoUrl')) {
    if (!isHttpUrl(form.ssoUrl)) errors.ssoUrl = 'An http(s):// URL';
    body.ssoUrl = form.ssoUrl.trim();
  }
  if (changed('certificates')) {
    const certificates = splitCertificates(form.certificates);
    if (certificates.length === 0) errors.certificates = 'At least one signing certificate (PEM)';
    if (certificates.length > 5) errors.certificates = 'At most 5 certificates';
    body.certificates = certificates;
  }
  for (const k of ['allowIdpInitiated', 'wantResponseSigned'] as const) if (changed(k)) body[k] = form[k];
  if (changed('clockSkewSeconds')) {
    const v = form.clockSkewSeconds.trim();
    if (!/^\d+$/.test(v) || Number(v) > 600) errors.clockSkewSeconds = 'A whole number of seconds, 0 to 600';
    body.clockSkewSeconds = Number(v);
  }
}

/** The changed OIDC settings into `body`, problems into `errors`. */
function oidcChanges(form: ConnectionForm, was: ConnectionForm, body: Body, errors: Errors): void {
  const changed = (k: keyof ConnectionForm) => form[k] !== was[k];
  for (const k of OIDC_URLS) {
    if (!changed(k)) continue;
    const v = form[k].trim();
    if (!v) errors[k] = 'Cannot be removed once set: type the URL to use';
    else if (!isHttpUrl(v)) errors[k] = 'An http(s):// URL';
    body[k] = v;
  }
  if (changed('clientId')) {
    if (!form.clientId.trim()) errors.clientId = 'The client id cannot be empty';
    body.clientId = form.clientId.trim();
  }
  if (form.clientSecret !== '') body.clientSecret = form.clientSecret;
  if (changed('pkce')) body.pkce = form.pkce;
  if (changed('tokenAuthMethod')) body.tokenAuthMethod = form.tokenAuthMethod;
  if (changed('scopes')) {
    const scopes = form.scopes.split(/\s+/).filter(Boolean);
    if (!scopes.includes('openid')) errors.scopes = 'Include openid (an OpenID Connect sign-in needs it)';
    body.scopes = scopes;
  }
}

/** The PATCH body of what changed (may be empty), or the problems by form field. */
export function connectionPatch(
  idp: IdentityProvider,
  form: ConnectionForm,
): { body: Body } | { errors: Errors } {
  const was = connectionForm(idp);
  const body: Body = {};
  const errors: Errors = {};
  if (form.name.trim() !== was.name) {
    if (!form.name.trim()) errors.name = 'A display name, e.g. the IdP product';
    body.name = form.name.trim();
  }
  if (form.enabled !== was.enabled) body.enabled = form.enabled;
  if (idp.type === 'saml') samlChanges(form, was, body, errors);
  else oidcChanges(form, was, body, errors);
  accessChanges(idp.type, form, was, body, errors);
  const mapping = ['claimExternalId', 'claimEmail', 'claimDisplayName'] as const;
  if (mapping.some((k) => form[k] !== was[k])) {
    const [externalId, email, displayName] = mapping.map((k) => form[k].trim());
    body.claimMapping = {
      ...(externalId ? { externalId } : {}),
      ...(email ? { email } : {}),
      ...(displayName ? { displayName } : {}),
    };
  }
  return Object.keys(errors).length > 0 ? { errors } : { body };
}
