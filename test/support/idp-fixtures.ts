import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../../src/dev-idp/self-signed-certificate';

const DAY = 86_400_000;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A real self-signed certificate (PEM) valid from `startDays` from now (negative: past) for `days`. */
export function certificate(cn: string, days: number, startDays = 0): string {
  return selfSignedCertificate(privateKey, cn, days, new Date(Date.now() + startDays * DAY)).trim();
}

/** The base64 DER body of a PEM certificate, as SAML metadata carries it. */
export const derBase64 = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');

/** IdP federation metadata with one signing certificate per entry. */
export function idpMetadata(entityId: string, ssoUrl: string, certificates: string[]): string {
  const keys = certificates
    .map(
      (pem) =>
        '<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data>' +
        `<X509Certificate>${derBase64(pem)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`,
    )
    .join('');
  return (
    `<EntityDescriptor entityID="${entityId}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` +
    '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
    keys +
    `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/>` +
    '</IDPSSODescriptor></EntityDescriptor>'
  );
}

export interface StaticServer {
  base: string;
  /** What GET <path> answers next; unset paths answer 404. */
  serve(path: string, status: number, body: string, type?: string): void;
  /** How many requests each path received. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 whose answers a test changes between requests. */
export async function startStaticServer(): Promise<StaticServer> {
  const answers = new Map<string, { status: number; body: string; type: string }>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const answer = answers.get(path) ?? { status: 404, body: 'not found', type: 'text/plain' };
    res.writeHead(answer.status, { 'content-type': answer.type });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    serve: (path, status, body, type = 'application/xml') => answers.set(path, { status, body, type }),
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets would hold the worker open
      }),
  };
}
