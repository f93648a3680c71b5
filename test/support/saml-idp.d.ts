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
  /** The Response's top-level Status (default Success), with an optional second-level code and message. */
  status?: { code: string; subCode?: string; message?: string };
  /** Raw XML in place of the Status (for look-alike Status tests); wins over `status`. */
  statusXml?: string;
  /** Sign the Response too (the assertion is always signed), as an IdP set to sign both does. */
  signResponse?: boolean;
}

export interface TestSamlIdp {
  entityId: string;
  ssoUrl: string;
  certificate: string;
  metadataXml: string;
  /** A Response signed by this IdP (assertion signed, as our SP requires), base64 for the HTTP-POST binding. */
  respond(spMetadataXml: string, acsUrl: string, options: AssertionOptions): Promise<string>;
  /** The same Response, unsigned: built by hand, never through samlify's signing. */
  unsigned(acsUrl: string, spEntityId: string, options: AssertionOptions): string;
}

/** A throwaway RSA key and self-signed certificate, made with openssl for each test IdP. */
export function makeKeyPair(commonName: string): { key: string; cert: string };
/** An independent SAML IdP (samlify) that signs real assertions with its own key. */
export function createSamlIdp(entityId: string, keys?: { key: string; cert: string }): TestSamlIdp;
/** The id of the AuthnRequest in a HTTP-Redirect binding URL (what the IdP would answer InResponseTo). */
export function authnRequestId(redirectUrl: string): string;
