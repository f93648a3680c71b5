import { MetadataError, parseIdpMetadata, toPem } from './saml-metadata';

const CERT_A = 'MIIC8DCCAdigAwIBAgIQc' + 'A'.repeat(120);
const CERT_B = 'MIIC8DCCAdigAwIBAgIQd' + 'B'.repeat(120);

// Shaped like Entra ID's "App Federation Metadata" (trimmed): a signing key, both SSO bindings.
const entra = (body = '') => `<?xml version="1.0" encoding="utf-8"?>
<EntityDescriptor ID="_x" entityID="https://sts.windows.net/7c1d/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">
  <RoleDescriptor xsi:type="fed:SecurityTokenServiceType" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706"/>
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${CERT_A}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>
      ${CERT_B}
    </X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <KeyDescriptor use="encryption"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>MIIENC${'C'.repeat(60)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/7c1d/saml2"/>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.microsoftonline.com/7c1d/saml2/post"/>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/7c1d/saml2"/>
    ${body}
  </IDPSSODescriptor>
</EntityDescriptor>`;

describe('parseIdpMetadata', () => {
  it('reads entity id, the redirect SSO URL and every signing certificate (rotation)', () => {
    expect(parseIdpMetadata(entra())).toEqual({
      entityId: 'https://sts.windows.net/7c1d/',
      ssoUrl: 'https://login.microsoftonline.com/7c1d/saml2',
      ssoBinding: 'redirect',
      certificates: [toPem(CERT_A), toPem(CERT_B)],
    });
  });

  it('takes HTTP-POST when there is no redirect binding, and the IdP inside an EntitiesDescriptor', () => {
    const postOnly = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">
      <md:EntityDescriptor entityID="urn:sp"><md:SPSSODescriptor/></md:EntityDescriptor>
      <md:EntityDescriptor entityID="http://adfs.example.com/adfs/services/trust"><md:IDPSSODescriptor>
        <md:KeyDescriptor><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${CERT_A}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
        <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://adfs.example.com/adfs/ls/"/>
      </md:IDPSSODescriptor></md:EntityDescriptor></md:EntitiesDescriptor>`;
    expect(parseIdpMetadata(postOnly)).toEqual(
      expect.objectContaining({
        entityId: 'http://adfs.example.com/adfs/services/trust',
        ssoBinding: 'post',
        ssoUrl: 'https://adfs.example.com/adfs/ls/',
      }),
    );
  });

  it.each([
    ['not XML at all', 'hello', /not well-formed|no EntityDescriptor/],
    [
      'broken XML',
      '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><IDPSSODescriptor>',
      /not well-formed/,
    ],
    [
      'SP metadata',
      '<EntityDescriptor entityID="x" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><SPSSODescriptor/></EntityDescriptor>',
      /no IDPSSODescriptor/,
    ],
    ['no entityID', entra().replace('entityID="https://sts.windows.net/7c1d/"', ''), /no entityID/],
    [
      'no usable binding',
      entra()
        .replace(
          /HTTP-(POST|Redirect)" Location="https:\/\/login.microsoftonline.com\/7c1d\/saml2(\/post)?"\/>\s*<SingleSignOnService/,
          'SOAP" Location="x"/><X',
        )
        .replace(/<SingleSignOnService[^>]*>/g, ''),
      /no SingleSignOnService/,
    ],
    [
      'no signing certificate',
      entra().replace(/<KeyDescriptor use="signing">[\s\S]*?<\/KeyDescriptor>/g, ''),
      /no signing certificate/,
    ],
    [
      'an external entity (XXE)',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${entra().replace('<?xml version="1.0" encoding="utf-8"?>', '')}`,
      /DOCTYPE/,
    ],
    [
      'entity expansion (billion laughs)',
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><EntityDescriptor/>',
      /DOCTYPE/,
    ],
  ])('refuses %s with a message naming the problem', (_, xml, message) => {
    expect(() => parseIdpMetadata(xml)).toThrow(MetadataError);
    expect(() => parseIdpMetadata(xml)).toThrow(message);
  });
});
