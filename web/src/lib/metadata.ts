/**
 * Checks pasted SAML federation metadata before it is sent, so what is missing is named next to
 * the field at once. The service reads it properly (signatures, certificates) when it is saved;
 * this only catches the common mistakes: the wrong document, a truncated paste, the SP's metadata.
 */
export function metadataProblems(xml: string): string[] {
  const text = xml.trim();
  if (text === '') return ["Paste the identity provider's federation metadata XML, or its URL."];
  // A URL is read by the service when saved and again on a schedule (idpMetadataUrl).
  if (/^https?:\/\/\S+$/i.test(text)) return [];
  if (/^https?:\/\//i.test(text)) return ['A metadata URL is one line without spaces.'];
  if (!text.startsWith('<'))
    return ['This does not look like XML: it should start with <?xml or <EntityDescriptor.'];
  const problems: string[] = [];
  const has = (element: string) => new RegExp(`<([\\w-]+:)?${element}[\\s>/]`).test(text);
  if (!has('EntityDescriptor')) problems.push('No EntityDescriptor: this is not SAML metadata.');
  if (!has('IDPSSODescriptor')) {
    problems.push(
      has('SPSSODescriptor')
        ? "This is a service provider's metadata: paste the identity provider's (IDPSSODescriptor) instead."
        : "No IDPSSODescriptor: is this the identity provider's metadata?",
    );
  }
  if (!has('SingleSignOnService')) problems.push('No SingleSignOnService: the sign-in URL is missing.');
  if (!has('X509Certificate')) problems.push('No X509Certificate: the signing certificate is missing.');
  if (
    has('EntityDescriptor') &&
    !/<\/([\w-]+:)?EntityDescriptor>\s*$/.test(text) &&
    !/<([\w-]+:)?EntityDescriptor[^>]*\/>\s*$/.test(text)
  )
    problems.push('The XML ends before </EntityDescriptor>: was the paste cut off?');
  return problems;
}

/** Splits "a, b\nc" into ["a", "b", "c"]. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
