import { metadataProblems, splitList } from './metadata';

const IDP = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>MIIB</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

describe('pasted SAML metadata checks', () => {
  it('accepts complete IdP metadata with or without namespace prefixes', () => {
    expect(metadataProblems(IDP)).toEqual([]);
    expect(metadataProblems(IDP.replace(/md:/g, ''))).toEqual([]);
  });

  it('asks for the XML or URL when empty, and takes a metadata URL as it is (the service reads it)', () => {
    expect(metadataProblems('  ')).toEqual([
      "Paste the identity provider's federation metadata XML, or its URL.",
    ]);
    expect(metadataProblems(' https://login.microsoftonline.com/x/federationmetadata.xml ')).toEqual([]);
    expect(metadataProblems('https://login.example.com/a b')).toEqual([
      'A metadata URL is one line without spaces.',
    ]);
  });

  it("names the service provider's metadata pasted by mistake", () => {
    const sp = IDP.replace(/IDPSSODescriptor/g, 'SPSSODescriptor');
    expect(metadataProblems(sp)).toContain(
      "This is a service provider's metadata: paste the identity provider's (IDPSSODescriptor) instead.",
    );
  });

  it('names a missing certificate, sign-in URL and a cut-off paste', () => {
    const problems = metadataProblems(IDP.slice(0, IDP.indexOf('<md:KeyDescriptor')));
    expect(problems).toEqual([
      'No SingleSignOnService: the sign-in URL is missing.',
      'No X509Certificate: the signing certificate is missing.',
      'The XML ends before </EntityDescriptor>: was the paste cut off?',
    ]);
  });

  it('splits lists on commas and lines', () => {
    expect(splitList(' a, b\nc ,,\n')).toEqual(['a', 'b', 'c']);
  });
});
