import { HttpStatus } from '@nestjs/common';
import { normalizeEmail } from '../common/email';
import { inertCopy } from '../common/safe-input';
import type { SamlStatus } from './saml-precheck';
import type { ValidatedProfile } from './saml-validator';
import { invalidEmailRefusal, SignInRefusal, type SignInRefusalCode } from './sign-in-refusal';
import type { ClaimMapping } from '../identity-providers/idp-config';

/**
 * What the ACS reads from a validated SAML response, and the refusals it can give: plain functions
 * over node-saml's output and the pre-check's scan, no I/O.
 */

const EMAIL_ATTRIBUTES = [
  'email',
  'mail',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  'urn:oid:0.9.2342.19200300.100.1.3',
];
const NAME_ATTRIBUTES = [
  'displayName',
  'name',
  'http://schemas.microsoft.com/identity/claims/displayname',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
];

/** Who signed in: the external id, a valid email, a display name, and every attribute as sent. */
export function samlIdentityOf(profile: ValidatedProfile, mapping: ClaimMapping) {
  // Attribute names come from the IdP: keep them on an inert copy, so `__proto__` or `constructor`
  // are just names that match nothing we look up.
  const attributes = inertCopy((profile.attributes ?? {}) as Record<string, unknown>);
  const first = (value: unknown) =>
    (Array.isArray(value)
      ? value.find((v) => typeof v === 'string')
      : typeof value === 'string'
        ? value
        : undefined) as string | undefined;
  const externalId = mapping.externalId ? first(attributes[mapping.externalId]) : profile.nameID;
  const emailCandidates = mapping.email ? [mapping.email] : EMAIL_ATTRIBUTES;
  let email = emailCandidates.map((n) => first(attributes[n])).find((v) => v?.includes('@'));
  if (!email && profile.nameID?.includes('@')) email = profile.nameID;
  const name = (mapping.displayName ? [mapping.displayName] : NAME_ATTRIBUTES)
    .map((n) => first(attributes[n]))
    .find(Boolean);
  if (!externalId)
    throw new SignInRefusal(
      HttpStatus.UNAUTHORIZED,
      'claim_missing',
      'the identity provider did not say who you are',
      'no NameID',
    );
  if (!email)
    throw new SignInRefusal(
      HttpStatus.UNAUTHORIZED,
      'claim_missing',
      'the identity provider did not send your email address',
      'no email attribute and the NameID is not an email',
    );
  const validEmail = normalizeEmail(email);
  if (!validEmail) throw invalidEmailRefusal(email);
  return { externalId, email: validEmail, displayName: name ?? null, attributes };
}

/** The parts of node-saml's xml2js view of the assertion that we read. */
interface ParsedAssertion {
  Assertion?: {
    $?: { ID?: string };
    Subject?: {
      SubjectConfirmation?: { SubjectConfirmationData?: { $?: { Recipient?: string } }[] }[];
    }[];
  };
}

/**
 * What node-saml leaves to us: the response's Destination and the assertion's Recipient must be
 * this ACS. Answers the assertion's id (for the one-time check).
 */
export function addressedAssertionId(destination: string | null, parsed: unknown, acsUrl: string): string {
  if (destination !== null && destination !== acsUrl) {
    throw new SignInRefusal(
      HttpStatus.UNAUTHORIZED,
      'saml_destination',
      'the sign-in response was meant for another service',
      `Destination ${destination}`,
    );
  }
  // The signed assertion as node-saml parsed it (xml2js, prefixes stripped): no second parse.
  const assertion = (parsed as ParsedAssertion | undefined)?.Assertion;
  const recipient =
    assertion?.Subject?.[0]?.SubjectConfirmation?.[0]?.SubjectConfirmationData?.[0]?.$?.Recipient;
  if (recipient !== undefined && recipient !== acsUrl) {
    throw new SignInRefusal(
      HttpStatus.UNAUTHORIZED,
      'saml_recipient',
      'the sign-in response was meant for another service',
      `Recipient ${recipient}`,
    );
  }
  const assertionId = assertion?.$?.ID;
  if (!assertionId)
    throw new SignInRefusal(
      HttpStatus.UNAUTHORIZED,
      'saml_no_assertion_id',
      'the sign-in response was malformed',
    );
  return assertionId;
}

/** node-saml's error messages, by what they name, in the words a person reads; the first match wins. */
const VALIDATION_REFUSALS: [RegExp, SignInRefusalCode, string][] = [
  [/signature/i, 'saml_signature', 'the sign-in response was not signed by the configured identity provider'],
  [
    /InResponseTo/i,
    'saml_in_response_to',
    'this sign-in response does not answer a sign-in started here; start the sign-in again',
  ],
  [/audience/i, 'saml_audience', 'the sign-in response was meant for another service'],
  [
    /expired|NotBefore|NotOnOrAfter|not yet valid/i,
    'saml_time',
    'the sign-in response has expired or is not valid yet; check the clocks and start again',
  ],
  [/issuer/i, 'saml_issuer', 'the sign-in response came from another identity provider'],
];

/** node-saml's validation error, in words. Anyone can send these: refusals before a valid signature. */
export function validationRefusal(error: Error): SignInRefusal {
  const message = error.message ?? String(error);
  const [, code, words] = VALIDATION_REFUSALS.find(([pattern]) => pattern.test(message)) ?? [
    null,
    'saml_invalid',
    'the sign-in response could not be verified',
  ];
  return SignInRefusal.unauthenticated(HttpStatus.UNAUTHORIZED, code, words, `${error.name}: ${message}`);
}

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
/** Not Success, or no Status at all (the schema requires one). */
export const isFailure = (status: SamlStatus) => status.code !== SUCCESS;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

/** "Responder / RequestDenied: <message>", from the URNs' last segments and the IdP's message. */
function statusWords(status: SamlStatus): string {
  const word = (urn: string | null) => {
    if (urn === null) return 'no status';
    const last = urn.slice(urn.lastIndexOf(':') + 1);
    return /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(last) ? last : 'unknown status';
  };
  const codes = [status.code, status.subCode]
    .filter((c, i) => i === 0 || c !== null)
    .map(word)
    .join(' / ');
  const message = status.message?.replace(CONTROL_CHARACTERS, ' ').trim().slice(0, 200);
  return message ? `${codes}: ${message}` : codes;
}

/** The IdP answered with a failure status; `unauthenticated` when no valid signature vouches for it. */
export function statusRefusal(status: SamlStatus, unauthenticated: boolean): SignInRefusal {
  const args = [
    HttpStatus.UNAUTHORIZED,
    'saml_status',
    `the identity provider refused the sign-in: ${statusWords(status)}`,
    `Status ${status.code}${status.subCode ? ` / ${status.subCode}` : ''}${status.message ? `: ${status.message.slice(0, 500)}` : ''}`,
  ] as const;
  return unauthenticated ? SignInRefusal.unauthenticated(...args) : new SignInRefusal(...args);
}
