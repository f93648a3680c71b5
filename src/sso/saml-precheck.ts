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

const SAML_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const NAME_END = new Set([32, 9, 10, 13, 47 /* / */, 60 /* < */, 62 /* > */]);
/** Namespace prefixes in scope ('' is the default namespace); null prototype, so any prefix is a plain key. */
type Scope = Record<string, string>;
const XML_SCOPE: Scope = Object.assign(Object.create(null) as Scope, {
  xml: 'http://www.w3.org/XML/1998/namespace',
});

/**
 * Namespaces are resolved only for the elements that can carry the Status (Response, Status,
 * StatusCode, its child): deeper elements never need them, which keeps the pass linear.
 */
const NS_DEPTH = 4;

/**
 * One pass over `xml` (already base64-decoded). Every branch moves the index forward, and skips use
 * indexOf, so the cost is linear in the length whatever the input.
 *
 * The Status is read only where SAML puts it: the Status in the protocol namespace that is a direct
 * child of the root protocol Response, whose first child element must be a protocol StatusCode. A
 * Status of another namespace, or any other element first in the Status, makes the response
 * malformed: a signed Response with a look-alike Status must not pass for Success.
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
  // Per open element: its role for the Status ('' when none) and, near the top, its namespace scope.
  const path: Role[] = [];
  const scopes: Scope[] = [XML_SCOPE];
  const children: number[] = []; // child elements seen so far, per open element (first child matters)
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
    if (lt > i && path.length === 3 && path[2] === 'message')
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
      children.pop();
      if (scopes.length > path.length + 1) scopes.length = path.length + 1;
      i = end + 1;
      continue;
    }
    // A start tag: its name, then attributes up to an unquoted '>'.
    let j = lt + 1;
    while (j < n && !NAME_END.has(xml.charCodeAt(j))) j++;
    const qname = xml.slice(lt + 1, j);
    const colon = qname.indexOf(':');
    const name = qname.slice(colon + 1);
    if (name === '') return fail('malformed', 'empty element name');
    if (++elements > limits.maxElements)
      return fail('too_many_elements', `more than ${limits.maxElements} elements`);
    const depth = path.length; // of this element: 0 is the root
    if (depth === 0 && elements > 1) return fail('malformed', 'more than one root element');
    const firstChild = depth > 0 && children[depth - 1]++ === 0;
    let attributes = 0;
    let selfClosing = false;
    let closed = false;
    let attrName = '';
    let attrStart = -1;
    let value: string | null = null;
    let declarations: [string, string][] | null = null;
    while (j < n) {
      const c = xml.charCodeAt(j);
      if (c === 34 /* " */ || c === 39 /* ' */) {
        const end = xml.indexOf(c === 34 ? '"' : "'", j + 1);
        if (end < 0) return fail('malformed', 'unterminated attribute value');
        const text = xml.slice(j + 1, end);
        // A repeated attribute is not XML: refused here, so we never read one copy and xmldom another.
        if (depth === 0 && attrName === 'InResponseTo') {
          if (inResponseTo !== null) return fail('malformed', 'InResponseTo given twice');
          inResponseTo = decodeText(text);
        }
        if (depth === 0 && attrName === 'Destination') {
          if (destination !== null) return fail('malformed', 'Destination given twice');
          destination = decodeText(text);
        }
        if (attrName === 'Value') {
          if (value !== null) return fail('malformed', `Value given twice on <${name}>`);
          value = text;
        }
        if (depth < NS_DEPTH && (attrName === 'xmlns' || attrName.startsWith('xmlns:')))
          (declarations ??= []).push([attrName.slice(6), decodeText(text)]);
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

    let role: Role = '';
    if (depth < NS_DEPTH) {
      let scope = scopes[depth];
      if (declarations) {
        scope = Object.assign(Object.create(null) as Scope, scope);
        for (const [prefix, uri] of declarations) scope[prefix] = uri;
      }
      scopes[depth + 1] = scope;
      const inProtocol = scope[colon < 0 ? '' : qname.slice(0, colon)] === SAML_PROTOCOL;
      const parent = depth === 0 ? '' : path[depth - 1];
      if (depth === 0) {
        rootName = name;
        if (inProtocol && name === 'Response') role = 'response';
      } else if (parent === 'response' && name === 'Status') {
        if (!inProtocol) return fail('malformed', 'a Status outside the SAML protocol namespace');
        if (++statusCount > 1) return fail('malformed', 'more than one Status');
        if (selfClosing) return fail('malformed', 'a Status without a StatusCode');
        role = 'status';
      } else if (parent === 'status') {
        if (firstChild) {
          if (!inProtocol || name !== 'StatusCode')
            return fail('malformed', 'the first element in the Status is not a protocol StatusCode');
          status.code = value;
          role = 'code';
        } else if (inProtocol && name === 'StatusMessage') role = 'message';
      } else if (parent === 'code' && firstChild && inProtocol && name === 'StatusCode') {
        status.subCode = value;
      }
    }
    if (!selfClosing) {
      if (path.length + 1 > limits.maxDepth) return fail('too_deep', `nested deeper than ${limits.maxDepth}`);
      path.push(role);
      children.push(0);
    }
    i = j + 1;
  }
  if (elements === 0) return fail('malformed', 'no XML element');
  if (path.length > 0) return fail('malformed', 'unclosed elements');
  status.message = status.message === null ? null : decodeText(status.message).trim();
  return { ok: true, rootName, inResponseTo, destination, status, elements };
}

/** What an open element is for the Status: the root Response, its Status, top StatusCode, StatusMessage. */
type Role = '' | 'response' | 'status' | 'code' | 'message';

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The five predefined entities and character references; anything else stays as written. */
function decodeText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
