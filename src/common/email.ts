import { ValidateBy } from 'class-validator';
import { domainToASCII } from 'node:url';

/**
 * The one check for an email address that comes from outside (SAML and OIDC sign-ins, SCIM, the admin
 * API). Emails decide which account a sign-in lands in and which domain rules apply, so anything a
 * mail server or a person would read differently from us is refused rather than repaired: one `@`,
 * no whitespace, control or invisible characters, a non-empty local part, a domain of dot-separated
 * labels (at least two), lengths within RFC 5321 (local part 64, whole address 254).
 *
 * Surrounding spaces are trimmed (IdPs pad attribute values) and the result is lower-cased: the form
 * every email is stored and compared in. Returns null when the address is not valid.
 */
export function normalizeEmail(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const email = raw.replace(/^ +| +$/g, '').toLowerCase();
  if (email.length === 0 || email.length > MAX_EMAIL) return null;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > MAX_LOCAL || !LOCAL.test(local) || local.startsWith('.') || local.endsWith('.'))
    return null;
  if (local.includes('..')) return null;
  // Domains are kept in their ASCII (IDNA) form, the form verifiedDomains and allowedDomains use:
  // `bücher.test` is `xn--bcher-kva.test`, and full-width `ａcme.test` IS `acme.test`, so a look-alike
  // cannot slip past a domain rule, and a look-alike in another script shows as its xn-- form.
  if (!DOMAIN_CHARACTERS.test(domain)) return null; // before IDNA, which drops tabs and invisibles
  const ascii = domainToASCII(domain);
  if (ascii === '' || ascii.length > 253) return null;
  const labels = ascii.split('.');
  return labels.length >= 2 && labels.every((l) => LABEL.test(l)) ? `${local}@${ascii}` : null;
}

export const isValidEmail = (raw: unknown): boolean => normalizeEmail(raw) !== null;

const MAX_EMAIL = 254;
const MAX_LOCAL = 64;
/**
 * Unquoted local part: ASCII letters, digits and RFC 5322 atext symbols; no quotes, no spaces. Not
 * other scripts: a Cyrillic `с` in `сeo@acme.test` would read as the CEO's address in every list.
 */
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
/** What a domain may be written with: letters and digits of any script, their marks, dots, hyphens. */
const DOMAIN_CHARACTERS = /^[\p{L}\p{N}\p{M}.-]+$/u;
/** An ASCII domain label: letters, digits, hyphens inside only, 63 characters at most. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The DTO form of `normalizeEmail` (the admin API): the same addresses sign-ins and SCIM accept. */
export const IsValidEmail = (message: string) =>
  ValidateBy({ name: 'isValidEmail', validator: { validate: isValidEmail, defaultMessage: () => message } });
