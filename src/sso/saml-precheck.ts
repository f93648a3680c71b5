/**
 * A cheap, linear pre-check of a posted SAML response before any DOM or signature work: parsing a
 * DOM is superlinear in nesting and attributes, and runs on the event loop, so hostile shapes are
 * refused here, where the cost is one pass over the string. Not an XML parser: it counts tags and
 * reads the few top-level values we need (InResponseTo, Status) and leaves well-formedness to xmldom.
 */

export interface SamlResponseLimits {
  /** Decoded bytes of the response XML. */
  maxResponseBytes: number;
  /** Element nesting depth. */
  maxDepth: number;
  /** Elements in the whole document. */
  maxElements: number;
  /** Attributes (namespace declarations included) on one element. */
  maxAttributes: number;
}

/**
 * Defaults: a signed Entra/Okta/ADFS response nests about 8 deep and has 2 elements per group value;
 * 5,000 elements is room for ~2,400 groups (Entra sends at most 150 in SAML, then the overage link).
 */
export const DEFAULT_SAML_LIMITS: SamlResponseLimits = {
  maxResponseBytes: 256 * 1024,
  maxDepth: 32,
  maxElements: 5000,
  maxAttributes: 32,
};

/** Bounds of the per-IdP settings (the DTO enforces them). */
export const SAML_LIMIT_BOUNDS: Record<keyof SamlResponseLimits, { min: number; max: number }> = {
  maxResponseBytes: { min: 16 * 1024, max: 512 * 1024 },
  maxDepth: { min: 16, max: 64 },
  maxElements: { min: 200, max: 20000 },
  maxAttributes: { min: 16, max: 128 },
};

export interface SamlStatus {
  /** The top-level StatusCode Value, e.g. urn:oasis:names:tc:SAML:2.0:status:Responder. */
  code: string | null;
  /** The second-level StatusCode Value, if any. */
  subCode: string | null;
  message: string | null;
}

export type PrecheckResult =
  | {
      ok: true;
      rootName: string;
      inResponseTo: string | null;
      destination: string | null;
      status: SamlStatus;
      elements: number;
    }
  | {
      ok: false;
      problem:
        'too_large' | 'doctype' | 'too_deep' | 'too_many_elements' | 'too_many_attributes' | 'malformed';
      detail: string;
    };

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const NAME_END = new Set([32, 9, 10, 13, 47 /* / */, 60 /* < */, 62 /* > */]);

/**
 * One pass over `xml` (already base64-decoded). Every branch moves the index forward, and skips use
 * indexOf, so the cost is linear in the length whatever the input.
 */
export function precheckSamlResponse(xml: string, limits: SamlResponseLimits): PrecheckResult {
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > limits.maxResponseBytes)
    return { ok: false, problem: 'too_large', detail: `${bytes} bytes (limit ${limits.maxResponseBytes})` };
  const fail = (
    problem: Exclude<PrecheckResult, { ok: true }>['problem'],
    detail: string,
  ): PrecheckResult => ({
    ok: false,
    problem,
    detail,
  });
  const path: string[] = []; // local names of the open elements
  const status: SamlStatus = { code: null, subCode: null, message: null };
  let rootName = '';
  let inResponseTo: string | null = null;
  let destination: string | null = null;
  let statusCount = 0;
  let elements = 0;
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    // Text directly inside Response/Status/StatusMessage is the IdP's message.
    if (lt > i && path.length === 3 && path[1] === 'Status' && path[2] === 'StatusMessage')
      status.message = (status.message ?? '') + xml.slice(i, lt);
    const next = xml.charCodeAt(lt + 1);
    if (next === 63 /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) return fail('malformed', 'unterminated processing instruction');
      i = end + 2;
      continue;
    }
    if (next === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end < 0) return fail('malformed', 'unterminated comment');
        i = end + 3;
        continue;
      }
      if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end < 0) return fail('malformed', 'unterminated CDATA section');
        i = end + 3;
        continue;
      }
      return fail('doctype', 'DOCTYPE or entity declaration in the response');
    }
    if (next === 47 /* / */) {
      const end = xml.indexOf('>', lt + 2);
      if (end < 0 || path.length === 0) return fail('malformed', 'unbalanced end tag');
      path.pop();
      i = end + 1;
      continue;
    }
    // A start tag: its name, then attributes up to an unquoted '>'.
    let j = lt + 1;
    while (j < n && !NAME_END.has(xml.charCodeAt(j))) j++;
    const name = localName(xml.slice(lt + 1, j));
    if (name === '') return fail('malformed', 'empty element name');
    if (++elements > limits.maxElements)
      return fail('too_many_elements', `more than ${limits.maxElements} elements`);
    const depth = path.length; // of this element: 0 is the root
    if (depth === 0 && elements > 1) return fail('malformed', 'more than one root element');
    let attributes = 0;
    let selfClosing = false;
    let closed = false;
    let attrName = '';
    let attrStart = -1;
    while (j < n) {
      const c = xml.charCodeAt(j);
      if (c === 34 /* " */ || c === 39 /* ' */) {
        const end = xml.indexOf(c === 34 ? '"' : "'", j + 1);
        if (end < 0) return fail('malformed', 'unterminated attribute value');
        const value = xml.slice(j + 1, end);
        if (depth === 0 && attrName === 'InResponseTo') inResponseTo = decodeText(value);
        if (depth === 0 && attrName === 'Destination') destination = decodeText(value);
        if (attrName === 'Value' && depth === 2 && path[1] === 'Status' && name === 'StatusCode')
          status.code ??= value;
        if (
          attrName === 'Value' &&
          depth === 3 &&
          path[1] === 'Status' &&
          path[2] === 'StatusCode' &&
          name === 'StatusCode'
        )
          status.subCode ??= value;
        attrName = '';
        j = end + 1;
        continue;
      }
      if (c === 60 /* < */) return fail('malformed', `"<" inside <${name}>`);
      if (c === 62 /* > */) {
        closed = true;
        selfClosing = xml.charCodeAt(j - 1) === 47;
        break;
      }
      if (c === 61 /* = */) {
        if (attrStart < 0) return fail('malformed', 'attribute without a name');
        if (++attributes > limits.maxAttributes)
          return fail('too_many_attributes', `more than ${limits.maxAttributes} attributes on <${name}>`);
        attrName = xml.slice(attrStart, j).trim();
        attrStart = -1;
      } else if (!isSpace(c) && c !== 47 && attrStart < 0) attrStart = j;
      j++;
    }
    if (!closed) return fail('malformed', 'unterminated start tag');
    if (depth === 0) rootName = name;
    if (depth === 1 && name === 'Status' && ++statusCount > 1)
      return fail('malformed', 'more than one Status');
    if (!selfClosing) {
      if (path.length + 1 > limits.maxDepth) return fail('too_deep', `nested deeper than ${limits.maxDepth}`);
      path.push(name);
    }
    i = j + 1;
  }
  if (elements === 0) return fail('malformed', 'no XML element');
  if (path.length > 0) return fail('malformed', 'unclosed elements');
  status.message = status.message === null ? null : decodeText(status.message).trim();
  return { ok: true, rootName, inResponseTo, destination, status, elements };
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined entities and character references; anything else stays as written. */
function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
