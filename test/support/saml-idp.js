// An independent SAML IdP for tests and benchmarks: samlify signs real assertions with a key made
// by openssl. Plain JavaScript so `npm run bench` uses the same IdP as the tests; types in saml-idp.d.ts.
const { execFileSync } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { inflateRawSync } = require('node:zlib');
const samlify = require('samlify');
const { SignedXml } = require('xml-crypto');
const { pooledKey } = require('./test-keys');

// samlify validates XML against the SAML schemas through a pluggable validator; our SP (node-saml) is
// what is under test, so the IdP side skips it.
samlify.setSchemaValidator({ validate: async () => 'skipped' });

/** A distinct RSA key (from the pool) and a fresh self-signed certificate for it, made by openssl. */
function makeKeyPair(commonName) {
  const keyFile = pooledKey();
  const dir = mkdtempSync(join(tmpdir(), 'saml-key-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-key', keyFile, '-out', join(dir, 'c.pem'), '-days', '2', '-subj', `/CN=${commonName}`],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const xmlEscape = (s) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The top-level Status: Success unless the test asks for another code, a second-level code, a message. */
function statusXml(status = { code: 'urn:oasis:names:tc:SAML:2.0:status:Success' }) {
  const sub = status.subCode ? `<samlp:StatusCode Value="${xmlEscape(status.subCode)}"/>` : '';
  const message = status.message
    ? `<samlp:StatusMessage>${xmlEscape(status.message)}</samlp:StatusMessage>`
    : '';
  return `<samlp:Status><samlp:StatusCode Value="${xmlEscape(status.code)}">${sub}</samlp:StatusCode>${message}</samlp:Status>`;
}

function responseXml(
  entityId,
  acsUrl,
  spEntityId,
  o,
  ids = { response: `_${randomUUID()}`, assertion: `_${randomUUID()}` },
) {
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
    `<saml:Issuer>${xmlEscape(o.issuer ?? entityId)}</saml:Issuer>${o.statusXml ?? statusXml(o.status)}` +
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
function createSamlIdp(entityId, keys = makeKeyPair('groupsync-test-idp')) {
  const ssoUrl = `https://idp.test/${encodeURIComponent(entityId)}/sso`;
  const idp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey: keys.key,
    signingCert: keys.cert,
    singleSignOnService: [
      { Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: ssoUrl },
    ],
    // Unused here; declared so samlify does not warn that the IdP has no logout endpoint.
    singleLogoutService: [
      {
        Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
        Location: ssoUrl.replace(/\/sso$/, '/slo'),
      },
    ],
    isAssertionEncrypted: false,
    wantAuthnRequestsSigned: false,
  });
  return {
    entityId,
    ssoUrl,
    certificate: keys.cert,
    metadataXml: idp.getMetadata(),
    async respond(spMetadataXml, acsUrl, options) {
      const sp = samlify.ServiceProvider({ metadata: spMetadataXml });
      const spEntityId = /entityID="([^"]+)"/.exec(spMetadataXml)[1];
      const ids = { response: `_${randomUUID()}`, assertion: `_${randomUUID()}` };
      const result = await idp.createLoginResponse(
        sp,
        { extract: { request: { id: options.inResponseTo ?? '' } } },
        'post',
        { email: options.nameId },
        () => ({
          id: ids.response,
          context: responseXml(entityId, acsUrl, spEntityId, options, ids),
        }),
      );
      if (!options.signResponse) return result.context;
      // The Response signed as well (after the assertion, enveloping it), as "Sign SAML response and
      // assertion" does; samlify signs one or the other, so the outer signature is xml-crypto's.
      const signer = new SignedXml({
        privateKey: keys.key,
        publicCert: keys.cert,
        signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
        canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
      });
      signer.addReference({
        xpath: "/*[local-name(.)='Response']",
        transforms: [
          'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
          'http://www.w3.org/2001/10/xml-exc-c14n#',
        ],
        digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      });
      signer.computeSignature(Buffer.from(result.context, 'base64').toString('utf8'), {
        location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: 'after' },
      });
      return Buffer.from(signer.getSignedXml()).toString('base64');
    },
    unsigned: (acsUrl, spEntityId, options) =>
      Buffer.from(responseXml(entityId, acsUrl, spEntityId, options)).toString('base64'),
  };
}

/** The id of the AuthnRequest in a HTTP-Redirect binding URL (what the IdP would answer InResponseTo). */
function authnRequestId(redirectUrl) {
  const request = new URL(redirectUrl).searchParams.get('SAMLRequest');
  const xml = inflateRawSync(Buffer.from(request, 'base64')).toString('utf8');
  return /\bID="([^"]+)"/.exec(xml)[1];
}

module.exports = { makeKeyPair, createSamlIdp, authnRequestId };
