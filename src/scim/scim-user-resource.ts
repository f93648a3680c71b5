import { normalizeEmail } from '../common/email';
import { invalidValue, scimError } from './scim-error';
import { SCIM } from './scim-schema';
import type { ScimUser } from './scim-user.entity';

/** Core User attributes by lower-cased name: SCIM attribute names are case-insensitive (RFC 7643 2.1). */
const CANONICAL = new Map(
  [
    'userName',
    'externalId',
    'displayName',
    'name',
    'emails',
    'active',
    'password',
    'id',
    'meta',
    'schemas',
    'title',
    'nickName',
    'profileUrl',
    'userType',
    'preferredLanguage',
    'locale',
    'timezone',
    'phoneNumbers',
    'addresses',
    'photos',
    'ims',
    'roles',
    'entitlements',
    'x509Certificates',
    'groups',
    SCIM.enterpriseUser,
  ].map((k) => [k.toLowerCase(), k]),
);
/** Never stored: identifiers and metadata are ours, passwords are dropped, groups are read-only. */
const NOT_STORED = new Set(['id', 'meta', 'schemas', 'password', 'groups']);

export const canonicalAttribute = (name: string): string => CANONICAL.get(name.toLowerCase()) ?? name;

/** Sub-attributes of the core and enterprise User schemas, by lower-cased name. */
const CANONICAL_SUB = new Map(
  [
    'givenName',
    'familyName',
    'formatted',
    'middleName',
    'honorificPrefix',
    'honorificSuffix',
    'value',
    'type',
    'primary',
    'display',
    'employeeNumber',
    'costCenter',
    'organization',
    'division',
    'department',
    'manager',
    'streetAddress',
    'locality',
    'region',
    'postalCode',
    'country',
  ].map((k) => [k.toLowerCase(), k]),
);
export const canonicalSubAttribute = (name: string): string => CANONICAL_SUB.get(name.toLowerCase()) ?? name;

export interface NormalizedScimUser {
  resource: Record<string, unknown>;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  employeeNumber: string | null;
  active: boolean;
  emails: { valueKey: string; type: string | null; primary: boolean }[];
  /** The groupsync user's email: primary, else work, else first email, else an email-like userName. */
  email: string;
}

/** Booleans as real IdPs send them: true/false or the strings "True"/"False". */
function scimBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw invalidValue(`${name} must be true or false`);
}

const optionalString = (value: unknown, name: string, max: number): string | null => {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw invalidValue(`${name} must be a string`);
  if (value.length > max) throw invalidValue(`${name} must be at most ${max} characters`);
  return value;
};

/** Extension schemas (RFC 7643 3.3): the enterprise User and the custom ones Entra ID and Okta send. */
const EXTENSION = /^urn:ietf:params:scim:schemas:extension:/i;

/**
 * The body's attributes with core names written fully qualified (`urn:...:core:2.0:User:emails`, or
 * a `urn:...:core:2.0:User` object) read as the plain names, so they meet the same checks.
 */
function coreAttributes(body: Record<string, unknown>): [string, unknown][] {
  const core = SCIM.user.toLowerCase();
  return Object.entries(body).flatMap(([key, value]): [string, unknown][] => {
    const lower = key.toLowerCase();
    if (lower === core)
      return value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
    return [[lower.startsWith(`${core}:`) ? key.slice(core.length + 1) : key, value]];
  });
}

/** Validates a User resource from POST, PUT or after PATCH, and extracts what we index. */
export function normalizeUserResource(body: unknown): NormalizedScimUser {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw scimError('invalidSyntax', 'the body must be a SCIM User object');
  const resource: Record<string, unknown> = {};
  for (const [key, value] of coreAttributes(body as Record<string, unknown>)) {
    // Attributes of neither the core schema nor an extension schema are dropped, not stored: a
    // pathless PATCH with an array value would otherwise keep "0", "1", ... as attributes.
    if (!CANONICAL.has(key.toLowerCase()) && !EXTENSION.test(key)) continue;
    const canonical = canonicalAttribute(key);
    if (!NOT_STORED.has(canonical) && value !== null && value !== undefined) resource[canonical] = value;
  }
  const userName = optionalString(resource.userName, 'userName', 512)?.trim();
  if (!userName) throw invalidValue('userName is required');
  resource.userName = userName;
  const active = resource.active === undefined ? true : scimBoolean(resource.active, 'active');
  resource.active = active;

  const rawEmails = resource.emails ?? [];
  if (!Array.isArray(rawEmails)) throw invalidValue('emails must be an array');
  const emails = rawEmails.map((e, i) => {
    if (!e || typeof e !== 'object') throw invalidValue(`emails[${i}] must be an object with a value`);
    const entry = e as Record<string, unknown>;
    const raw = optionalString(entry.value, `emails[${i}].value`, 320);
    if (!raw?.trim()) throw invalidValue(`emails[${i}].value is required`);
    const value = normalizeEmail(raw);
    if (!value) throw invalidValue(`emails[${i}].value is not a valid email address`);
    return {
      valueKey: value,
      type: optionalString(entry.type, `emails[${i}].type`, 32)?.toLowerCase() ?? null,
      primary: entry.primary === undefined ? false : scimBoolean(entry.primary, `emails[${i}].primary`),
    };
  });
  if (emails.filter((e) => e.primary).length > 1) throw invalidValue('at most one email may be primary'); // RFC 7643 2.4
  const chosen = emails.find((e) => e.primary) ?? emails.find((e) => e.type === 'work') ?? emails[0] ?? null;
  const email = chosen?.valueKey ?? normalizeEmail(userName);
  if (!email)
    throw invalidValue(
      userName.includes('@')
        ? 'userName is not a valid email address, and there is no emails entry'
        : 'the user needs an email address: an emails entry, or a userName that is an email',
    );

  const name = resource.name;
  if (name !== undefined && (typeof name !== 'object' || Array.isArray(name)))
    throw invalidValue('name must be an object');
  const names = (name ?? {}) as Record<string, unknown>;
  const givenName = optionalString(names.givenName, 'name.givenName', 255);
  const familyName = optionalString(names.familyName, 'name.familyName', 255);
  const enterprise = resource[SCIM.enterpriseUser];
  if (enterprise !== undefined && (typeof enterprise !== 'object' || Array.isArray(enterprise)))
    throw invalidValue(`${SCIM.enterpriseUser} must be an object`);
  const displayName =
    optionalString(resource.displayName, 'displayName', 512) ??
    optionalString(names.formatted, 'name.formatted', 512) ??
    ([givenName, familyName].filter(Boolean).join(' ') || null);
  return {
    resource,
    userName,
    externalId: optionalString(resource.externalId, 'externalId', 512),
    displayName,
    givenName,
    familyName,
    employeeNumber: optionalString(
      (enterprise as Record<string, unknown> | undefined)?.employeeNumber,
      'employeeNumber',
      255,
    ),
    active,
    emails,
    email,
  };
}

/** The User resource as we answer it. */
export function toScimUser(row: ScimUser, baseUrl: string): Record<string, unknown> {
  const { userName, externalId, active, ...rest } = row.resource;
  void userName;
  void externalId;
  void active;
  return {
    schemas: rest[SCIM.enterpriseUser] ? [SCIM.user, SCIM.enterpriseUser] : [SCIM.user],
    id: row.userId,
    ...(row.externalId ? { externalId: row.externalId } : {}),
    userName: row.userName,
    ...rest,
    active: row.active,
    meta: {
      resourceType: 'User',
      created: row.createdAt.toISOString(),
      lastModified: row.updatedAt.toISOString(),
      location: `${baseUrl}/Users/${row.userId}`,
    },
  };
}
