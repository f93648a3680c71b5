import { isCompleteClaim } from './completeness';
import type { ClaimStatus, ExternalGroups, GroupSyncPolicy } from './types';

/** What the IdP sent: SAML attributes or OIDC claims, by name. */
export interface RawClaims {
  attributes: Record<string, unknown>;
  /** Set by the caller when the IdP signalled that the group list was cut short (see hasOverageMarker). */
  overage?: boolean;
}

/** The parts of a policy that decide how a group name is compared. */
export type NameMatchingPolicy = Pick<GroupSyncPolicy, 'caseSensitive' | 'dnCommonName'>;

/**
 * The one normal form both sides are compared in: claim values, link externalGroups, admin groups and
 * local group names (name matching). Trim, the DN's first CN when dnCommonName is on (so a link typed
 * as a full DN still matches), then case-fold when matching is case-insensitive.
 */
export function normalizeGroupName(name: string, policy: NameMatchingPolicy): string {
  let normalized = name.trim();
  if (policy.dnCommonName) {
    const commonName = parseDnCommonName(normalized);
    if (commonName !== null) normalized = commonName.trim();
  }
  // toLowerCase is locale-independent, so the same input folds the same way on every server.
  return policy.caseSensitive ? normalized : normalized.toLowerCase();
}

/**
 * Reads the groups claim(s) into normalized, de-duplicated group names (first-seen order) and says
 * whether that list is the user's whole group list.
 */
export function normalizeClaims(raw: RawClaims, policy: GroupSyncPolicy): ExternalGroups {
  const attributes = raw.attributes ?? {};
  const seen = new Set<string>();
  const groups: string[] = [];
  let anyClaimPresent = false;

  for (const claimName of policy.claims) {
    const values = readClaimValues(attributes, claimName);
    if (values === null) continue;
    anyClaimPresent = true;
    for (const value of values) {
      for (const piece of splitOnDelimiter(value, policy.delimiter)) {
        const group = normalizeGroupName(piece, policy);
        if (group === '' || seen.has(group)) continue;
        seen.add(group);
        groups.push(group);
      }
    }
  }

  const status: ClaimStatus = raw.overage === true ? 'overage' : anyClaimPresent ? 'present' : 'missing';
  return { groups, status, complete: isCompleteClaim(status, policy) };
}

/**
 * The string values of one claim, or null when the claim is absent. A claim we cannot read (a number,
 * an object, an array holding no string at all) counts as absent rather than as "no groups": reading it
 * as an empty list would remove the user from every managed group.
 */
function readClaimValues(attributes: Record<string, unknown>, claimName: string): string[] | null {
  if (!Object.prototype.hasOwnProperty.call(attributes, claimName)) return null;
  const value = attributes[claimName];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return null;
  const strings = value.filter((item): item is string => typeof item === 'string');
  if (value.length > 0 && strings.length === 0) return null;
  return strings;
}

function splitOnDelimiter(value: string, delimiter: string | null): string[] {
  // An empty delimiter would split into single characters: treat it as "no delimiter".
  return delimiter ? value.split(delimiter) : [value];
}

const SAML_GROUPS_LINK_ATTRIBUTE = 'http://schemas.microsoft.com/claims/groups.link';

/**
 * True when Entra ID left groups out because the user has too many ("overage"): the SAML
 * `groups.link` attribute, an OIDC `_claim_names.groups` pointer, or `hasgroups: true`.
 */
export function hasOverageMarker(attributes: Record<string, unknown>): boolean {
  if (!attributes) return false;
  const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);
  if (hasOwn(attributes, SAML_GROUPS_LINK_ATTRIBUTE) && attributes[SAML_GROUPS_LINK_ATTRIBUTE] != null)
    return true;
  const claimNames = attributes['_claim_names'];
  if (
    typeof claimNames === 'object' &&
    claimNames !== null &&
    !Array.isArray(claimNames) &&
    hasOwn(claimNames, 'groups')
  ) {
    return true;
  }
  return isTrueFlag(attributes['hasgroups']);
}

function isTrueFlag(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isTrueFlag); // SAML attributes arrive as value lists
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

// ---------------------------------------------------------------------------------------------
// RFC 4514 distinguished names

interface AttributeTypeAndValue {
  type: string;
  value: string;
}

const COMMON_NAME_TYPES = new Set(['cn', 'commonname', '2.5.4.3', 'oid.2.5.4.3']);
const KEYSTRING = /^[A-Za-z][A-Za-z0-9-]*$/;
const NUMERIC_OID = /^(oid\.)?\d+(\.\d+)*$/i;
const ATTRIBUTE_TYPE_CHAR = /[A-Za-z0-9.-]/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
const SEPARATORS = new Set([',', ';', '+']);

/**
 * The value of the first CN of a distinguished name (`CN=Smith\, John,OU=x` -> `Smith, John`), or null
 * when `value` is not a DN we can read or has no non-empty CN: the caller then keeps the value as is.
 * Accepts `,` `;` `+` as separators, spaces around them and around `=`, backslash escapes
 * (`\,` and hex `\2C`, multi-byte UTF-8 as `\C3\A9`) and double-quoted values.
 */
export function parseDnCommonName(value: string): string | null {
  const pairs = parseDistinguishedName(value);
  if (pairs === null) return null;
  for (const pair of pairs) {
    if (COMMON_NAME_TYPES.has(pair.type.toLowerCase())) return pair.value === '' ? null : pair.value;
  }
  return null;
}

function parseDistinguishedName(dn: string): AttributeTypeAndValue[] | null {
  const pairs: AttributeTypeAndValue[] = [];
  let position = 0;
  // Past the end, dn[position] is undefined: no bound check needed to stop at the end.
  const skipSpaces = () => {
    while (dn[position] === ' ') position++;
  };

  // An empty or blank value fails as an empty attribute type below, as does a trailing separator.
  for (;;) {
    skipSpaces();
    const typeStart = position;
    // Stryker disable next-line EqualityOperator: `<=` steps once past the end (`test(undefined)` reads "undefined"), but the slice is clamped and the missing '=' refuses the DN either way.
    while (position < dn.length && ATTRIBUTE_TYPE_CHAR.test(dn[position])) position++;
    const type = dn.slice(typeStart, position);
    if (!KEYSTRING.test(type) && !NUMERIC_OID.test(type)) return null;
    skipSpaces();
    if (dn[position] !== '=') return null;
    position++;
    skipSpaces();

    const parsed = dn[position] === '"' ? readQuotedValue(dn, position) : readUnquotedValue(dn, position);
    if (parsed === null) return null;
    pairs.push({ type, value: parsed.value });
    position = parsed.end;
    skipSpaces();

    if (position === dn.length) return pairs;
    if (!SEPARATORS.has(dn[position])) return null;
    position++;
  }
}

interface ParsedValue {
  value: string;
  end: number;
}

/** Reads up to the first unescaped separator; unescaped trailing spaces are not part of the value. */
function readUnquotedValue(dn: string, start: number): ParsedValue | null {
  // '#' starts a BER-encoded value, which carries no readable name.
  if (dn[start] === '#') return null;
  const text = new EscapedTextBuilder();
  let position = start;
  while (position < dn.length && !SEPARATORS.has(dn[position])) {
    if (dn[position] === '\\') {
      const next = text.appendEscape(dn, position);
      if (next === null) return null;
      position = next;
    } else {
      text.appendPlain(dn[position], dn[position] !== ' ');
      position++;
    }
  }
  const value = text.finish();
  return value === null ? null : { value, end: position };
}

/** Reads `"..."`, where separators need no escaping; every character inside counts, spaces included. */
function readQuotedValue(dn: string, start: number): ParsedValue | null {
  const text = new EscapedTextBuilder();
  let position = start + 1;
  // Stryker disable next-line EqualityOperator: `<=` reads one undefined past the end, and the value is then refused as unterminated by the caller.
  while (position < dn.length && dn[position] !== '"') {
    if (dn[position] === '\\') {
      const next = text.appendEscape(dn, position);
      // Stryker disable next-line ConditionalExpression: only a lone trailing backslash gives null here, which also leaves the quote unterminated.
      if (next === null) return null;
      position = next;
    } else {
      text.appendPlain(dn[position], true);
      position++;
    }
  }
  // Stryker disable next-line ConditionalExpression: without it an unterminated value ends past the end, where the caller finds no separator and refuses it too.
  if (position === dn.length) return null; // unterminated quote
  const value = text.finish();
  return value === null ? null : { value, end: position + 1 };
}

/**
 * Accumulates a DN value. Hex escapes are bytes: consecutive ones are decoded together as UTF-8.
 * `significantLength` marks the end of the last character that is not an unescaped space.
 */
class EscapedTextBuilder {
  private text = '';
  private significantLength = 0;
  private pendingBytes: string[] = [];
  private invalid = false;

  appendPlain(character: string, significant: boolean): void {
    this.flushBytes();
    this.text += character;
    if (significant) this.significantLength = this.text.length;
  }

  /** Consumes the escape at `position` (a backslash) and returns the position after it, or null. */
  appendEscape(dn: string, position: number): number | null {
    const hex = dn.slice(position + 1, position + 3);
    if (HEX_PAIR.test(hex)) {
      this.pendingBytes.push(hex);
      return position + 3;
    }
    if (position + 1 >= dn.length) return null; // a lone trailing backslash
    // RFC 4514 allows escaping specials; directories also escape other characters, so take any literally.
    this.appendPlain(dn[position + 1], true);
    return position + 2;
  }

  finish(): string | null {
    this.flushBytes();
    return this.invalid ? null : this.text.slice(0, this.significantLength);
  }

  private flushBytes(): void {
    if (this.pendingBytes.length === 0) return;
    try {
      this.text += decodeURIComponent(this.pendingBytes.map((byte) => `%${byte}`).join(''));
    } catch {
      this.invalid = true; // not valid UTF-8
    }
    this.pendingBytes = [];
    this.significantLength = this.text.length;
  }
}
