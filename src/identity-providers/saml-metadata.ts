import { DOMParser } from '@xmldom/xmldom';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

export interface IdpMetadata {
  entityId: string;
  ssoUrl: string;
  ssoBinding: 'redirect' | 'post';
  /** Signing certificates as PEM; several during a rotation. */
  certificates: string[];
}

/** A metadata document we cannot use; the message names what is missing or wrong. */
export class MetadataError extends Error {}

/**
 * Reads the IdP's federation metadata (what Entra's "App Federation Metadata URL" serves, or ADFS's
 * and Okta's equivalents). Parsed safely: a DOCTYPE (the door to external entities and entity
 * expansion) is refused outright, and the size is limited by the API before it gets here.
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new MetadataError('the metadata must not contain a DOCTYPE or entity declarations');
  const problems: string[] = [];
  const document = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: (m: string) => problems.push(m),
      fatalError: (m: string) => problems.push(m),
    },
  }).parseFromString(xml, 'text/xml');
  if (problems.length > 0 || !document?.documentElement)
    throw new MetadataError('the metadata is not well-formed XML');

  const descriptors = Array.from(document.getElementsByTagNameNS(MD, 'EntityDescriptor'));
  if (descriptors.length === 0) throw new MetadataError('the metadata has no EntityDescriptor');
  const entity = descriptors.find((d) => d.getElementsByTagNameNS(MD, 'IDPSSODescriptor').length > 0);
  if (!entity)
    throw new MetadataError(
      "the metadata has no IDPSSODescriptor: is this the identity provider's metadata?",
    );
  const entityId = entity.getAttribute('entityID')?.trim();
  if (!entityId) throw new MetadataError('the EntityDescriptor has no entityID');
  const idp = entity.getElementsByTagNameNS(MD, 'IDPSSODescriptor')[0];

  const services = Array.from(idp.getElementsByTagNameNS(MD, 'SingleSignOnService'));
  const pick = (binding: string) =>
    services.find((s) => s.getAttribute('Binding') === binding && s.getAttribute('Location'));
  const redirect = pick(BINDING_REDIRECT);
  const post = pick(BINDING_POST);
  const service = redirect ?? post;
  if (!service)
    throw new MetadataError(
      'the IDPSSODescriptor has no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding',
    );
  const ssoUrl = service.getAttribute('Location')!.trim();
  if (!/^https?:\/\//i.test(ssoUrl))
    throw new MetadataError(`the SingleSignOnService location is not an http(s) URL: ${ssoUrl}`);

  const certificates: string[] = [];
  for (const key of Array.from(idp.getElementsByTagNameNS(MD, 'KeyDescriptor'))) {
    const use = key.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const cert of Array.from(key.getElementsByTagNameNS(DS, 'X509Certificate'))) {
      const body = (cert.textContent ?? '').replace(/\s+/g, '');
      if (body && !certificates.includes(toPem(body))) certificates.push(toPem(body));
    }
  }
  if (certificates.length === 0)
    throw new MetadataError(
      'the IDPSSODescriptor has no signing certificate (KeyDescriptor with X509Certificate)',
    );
  return { entityId, ssoUrl, ssoBinding: redirect ? 'redirect' : 'post', certificates };
}

/** Base64 DER -> PEM, 64 characters a line. */
export function toPem(base64: string): string {
  const lines = base64.replace(/\s+/g, '').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----`;
}
