import { randomUUID } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { escapeHtml as escapeXml } from '../common/html';
import type { DevIdpKeys } from './dev-idp-keys';

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';

export interface AuthnRequestInfo {
  id: string;
  /** The service provider's entity id: the audience of our answer. */
  issuer: string;
  acsUrl: string | null;
}

/** Reads the AuthnRequest of an HTTP-Redirect binding (deflated, base64). Throws on anything else. */
export function readAuthnRequest(samlRequest: string): AuthnRequestInfo {
  const xml = inflateRawSync(Buffer.from(samlRequest, 'base64'), { maxOutputLength: 64 * 1024 }).toString(
    'utf8',
  );
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('DOCTYPE in AuthnRequest');
  const problems: string[] = [];
  const root = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: (m: string) => problems.push(m),
      fatalError: (m: string) => problems.push(m),
    },
  }).parseFromString(xml, 'text/xml').documentElement;
  if (problems.length > 0) throw new Error('AuthnRequest is not well-formed XML');
  if (!root || root.localName !== 'AuthnRequest' || root.namespaceURI !== PROTOCOL)
    throw new Error('not a SAML AuthnRequest');
  const id = root.getAttribute('ID');
  const issuer = root.getElementsByTagNameNS(ASSERTION, 'Issuer')[0]?.textContent?.trim();
  if (!id || !issuer) throw new Error('AuthnRequest without ID or Issuer');
  return { id, issuer, acsUrl: root.getAttribute('AssertionConsumerServiceURL') || null };
}

export interface DevIdpAnswer {
  entityId: string;
  acsUrl: string;
  audience: string;
  inResponseTo: string | null;
  email: string;
  displayName: string | null;
  groups: string[];
}

/** A SAML Response with one assertion signed by the development IdP's key, base64 for the POST binding. */
export function signedResponse(keys: DevIdpKeys, a: DevIdpAnswer, now = new Date()): string {
  const assertionId = `_${randomUUID()}`;
  const notOnOrAfter = new Date(now.getTime() + 5 * 60_000).toISOString();
  const irt = a.inResponseTo ? ` InResponseTo="${escapeXml(a.inResponseTo)}"` : '';
  const attribute = (name: string, values: string[]) =>
    values.length
      ? `<saml:Attribute Name="${name}">${values.map((v) => `<saml:AttributeValue>${escapeXml(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`
      : '';
  const xml =
    `<samlp:Response xmlns:samlp="${PROTOCOL}" xmlns:saml="${ASSERTION}" ID="_${randomUUID()}" Version="2.0" IssueInstant="${now.toISOString()}" Destination="${escapeXml(a.acsUrl)}"${irt}>` +
    `<saml:Issuer>${escapeXml(a.entityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion ID="${assertionId}" Version="2.0" IssueInstant="${now.toISOString()}">` +
    `<saml:Issuer>${escapeXml(a.entityId)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${escapeXml(a.email)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${escapeXml(a.acsUrl)}"${irt}/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${new Date(now.getTime() - 30_000).toISOString()}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${escapeXml(a.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attribute('email', [a.email])}${attribute('displayName', a.displayName ? [a.displayName] : [])}${attribute('groups', a.groups)}</saml:AttributeStatement>` +
    `</saml:Assertion></samlp:Response>`;

  const signer = new SignedXml({
    privateKey: keys.privateKey,
    publicCert: keys.certificate,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signer.addReference({
    xpath: `//*[local-name(.)='Assertion']`,
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  // The signature goes right after the assertion's Issuer, where the SAML schema wants it.
  signer.computeSignature(xml, {
    location: { reference: `//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return Buffer.from(signer.getSignedXml(), 'utf8').toString('base64');
}

/** The IdP's SAML metadata: entity id, the HTTP-Redirect SSO endpoint and the signing certificate. */
export function devIdpMetadata(entityId: string, ssoUrl: string, certificate: string): string {
  const body = certificate.replace(/-----[A-Z ]+-----|\s/g, '');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${escapeXml(entityId)}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}" WantAuthnRequestsSigned="false">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escapeXml(ssoUrl)}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
  );
}
