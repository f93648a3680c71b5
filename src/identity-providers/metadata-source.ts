import { guardedFetch } from '../common/guarded-fetch';
import { badRequest } from '../common/errors';

/** Federation metadata is a few KB; Entra's with several certificates stays well under this. */
const MAX_METADATA_BYTES = 1024 * 1024;

/** Why a metadata URL could not be read, in words an admin can act on (no network detail). */
export class MetadataFetchError extends Error {}

/**
 * Reads an IdP's federation metadata from its URL (Entra's "App Federation Metadata Url", Okta's
 * and ADFS's equivalents) through the SSRF guard: public addresses only, redirects checked.
 */
export async function fetchMetadata(url: string): Promise<string> {
  let response: Response;
  try {
    response = await guardedFetch(url, {
      headers: { accept: 'application/samlmetadata+xml, application/xml' },
    });
  } catch {
    throw new MetadataFetchError(`${url} could not be read (the server could not be reached)`);
  }
  if (response.status !== 200) throw new MetadataFetchError(`${url} answered HTTP ${response.status}`);
  const body = await response.text();
  if (Buffer.byteLength(body) > MAX_METADATA_BYTES)
    throw new MetadataFetchError(`${url} answered more than 1 MB, which is no federation metadata`);
  return body;
}

/** The metadata at `url`, or a 400 naming idpMetadataUrl (what saving an IdP answers). */
export async function fetchMetadataForSave(url: string): Promise<string> {
  try {
    return await fetchMetadata(url);
  } catch (error) {
    if (error instanceof MetadataFetchError)
      throw badRequest('metadata_fetch_failed', `idpMetadataUrl: ${error.message}`, {
        field: 'idpMetadataUrl',
      });
    throw error;
  }
}
