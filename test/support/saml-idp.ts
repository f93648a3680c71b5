import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import * as samlify from 'samlify';

// samlify validates XML against the SAML schemas through a pluggable validator; our SP (node-saml) is
// what is under test, so the IdP side skips it.
samlify.setSchemaValidator({ validate: async () => 'skipped' });

/** A throwaway RSA key and self-signed certificate, made with openssl for each test IdP. */
export function makeKeyPair(commonName: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'saml-key-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '2',
        '-subj',
        `/CN=${commonName}`,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface AssertionOptions {
  inResponseTo?: string;
  nameId: string;
  attributes?: Record<string, string[]>;
  audience?: string;
  destination?: string;
  recipient?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
  issuer?: string;
  /** Raw XML for the NameID's content, for injection tests (default: the escaped nameId). */
  nameIdXml?: string;
}

export interface TestSamlIdp {
  entityId: string;
  ssoUrl: string;
  metadataXml: string;
  /** A Response signed by this IdP (assertion signed, as our SP requires), base64 for the HTTP-POST binding. */
  respond(spMetadataXml: string, acsUrl: string, options: AssertionOptions): Promise<string>;
  /** The same Response, unsigned: built by hand, never through samlify's signing. */
  unsigned(acsUrl: string, spEntityId: string, options: AssertionOptions): string;
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function responseXml(
  entityId: string,
  acsUrl: string,
  spEntityId: string,
  o: AssertionOptions,
  ids = { response: `_${randomUUID()}`, assertion: `_${randomUUID()}` },
): string {
  const now = new Date();
  const notBefore = (o.notBefore ?? new Date(now.getTime() - 60_000)).toISOString();
  const notOnOrAfter = (o.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000)).toISOString();
  const irt = o.inResponseTo ? ` InResponseTo="${o.inResponseTo}"` : '';
  // One Attribute per name with every value, as Entra and ADFS send multi-valued groups.
  const attributes = Object.entries(o.attributes ?? {})
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${xmlEscape(name)}">${values.map((v) => `<saml:AttributeValue>${xmlEscape(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`,
    )
    .join('');
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${ids.response}" Version="2.0" IssueInstant="${now.toISOString()}" Destination="${xmlEscape(o.destination ?? acsUrl)}"${irt}>` +
    `<saml:Issuer>${xmlEscape(o.issuer ?? entityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion ID="${ids.assertion}" Version="2.0" IssueInstant="${now.toISOString()}"><saml:Issuer>${xmlEscape(o.issuer ?? entityId)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${o.nameIdXml ?? xmlEscape(o.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${xmlEscape(o.recipient ?? acsUrl)}"${irt}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${xmlEscape(o.audience ?? spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${ids.assertion}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion></samlp:Response>`
  );
}

/** An independent SAML IdP (samlify) that signs real assertions with its own key. */
export function createSamlIdp(entityId: string, keys = makeKeyPair('groupsync-test-idp')): TestSamlIdp {
  const ssoUrl = `https://idp.test/${encodeURIComponent(entityId)}/sso`;
  const idp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey: keys.key,
    signingCert: keys.cert,
    singleSignOnService: [
      { Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: ssoUrl },
    ],
    isAssertionEncrypted: false,
    wantAuthnRequestsSigned: false,
  });
  return {
    entityId,
    ssoUrl,
    metadataXml: idp.getMetadata(),
    async respond(spMetadataXml, acsUrl, options) {
      const sp = samlify.ServiceProvider({ metadata: spMetadataXml });
      const spEntityId = /entityID="([^"]+)"/.exec(spMetadataXml)![1];
      const ids = { response: `_${randomUUID()}`, assertion: `_${randomUUID()}` };
      const result = await idp.createLoginResponse(
        sp,
        { extract: { request: { id: options.inResponseTo ?? '' } } } as never,
        'post',
        { email: options.nameId },
        () => ({
          id: ids.response,
          context: responseXml(entityId, acsUrl, spEntityId, options, ids),
        }),
      );
      return (result as { context: string }).context;
    },
    unsigned: (acsUrl, spEntityId, options) =>
      Buffer.from(responseXml(entityId, acsUrl, spEntityId, options)).toString('base64'),
  };
}

/** The id of the AuthnRequest in a HTTP-Redirect binding URL (what the IdP would answer InResponseTo). */
export function authnRequestId(redirectUrl: string): string {
  const request = new URL(redirectUrl).searchParams.get('SAMLRequest')!;
  const xml = inflateRawSync(Buffer.from(request, 'base64')).toString('utf8');
  return /\bID="([^"]+)"/.exec(xml)![1];
}
