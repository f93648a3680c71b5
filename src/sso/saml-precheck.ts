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
  try {
    return new ResponseScan(xml, limits).run();
  } catch (error) {
    if (error instanceof Refused) return { ok: false, problem: error.problem, detail: error.message };
    throw error;
  }
}

type Problem = Exclude<PrecheckResult, { ok: true }>['problem'];

/** How the scan stops at the first problem (caught in `precheckSamlResponse`, never escapes it). */
class Refused extends Error {
  constructor(
    readonly problem: Problem,
    detail: string,
  ) {
    super(detail);
  }
}

const fail = (problem: Problem, detail: string): never => {
  throw new Refused(problem, detail);
};

/** A start tag's attributes, as the scan reads them. */
interface StartTag {
  /** Index of the tag's closing '>'. */
  end: number;
  selfClosing: boolean;
  /** The `Value` attribute (StatusCode), raw. */
  value: string | null;
  /** Namespace declarations near the top: [prefix ('' for the default), uri]. */
  declarations: [string, string][] | null;
}

/** The state of one pass over a response; see `precheckSamlResponse`. */
class ResponseScan {
  // Per open element: its role for the Status ('' when none) and, near the top, its namespace scope.
  private readonly path: Role[] = [];
  private readonly scopes: Scope[] = [XML_SCOPE];
  private readonly children: number[] = []; // child elements seen so far, per open element (first child matters)
  private readonly status: SamlStatus = { code: null, subCode: null, message: null };
  private rootName = '';
  private inResponseTo: string | null = null;
  private destination: string | null = null;
  private statusCount = 0;
  private elements = 0;

  constructor(
    private readonly xml: string,
    private readonly limits: SamlResponseLimits,
  ) {}

  run(): PrecheckResult {
    const { xml, path, status } = this;
    let i = 0;
    while (i < xml.length) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) break;
      // Text directly inside Response/Status/StatusMessage is the IdP's message.
      if (lt > i && path.length === 3 && path[2] === 'message')
        status.message = (status.message ?? '') + xml.slice(i, lt);
      const next = xml.charCodeAt(lt + 1);
      if (next === 63 /* ? */ || next === 33 /* ! */) i = this.skipMarkup(lt);
      else if (next === 47 /* / */) i = this.endTag(lt);
      else i = this.startTag(lt);
    }
    if (this.elements === 0) fail('malformed', 'no XML element');
    if (path.length > 0) fail('malformed', 'unclosed elements');
    status.message = status.message === null ? null : decodeText(status.message).trim();
    const { rootName, inResponseTo, destination, elements } = this;
    return { ok: true, rootName, inResponseTo, destination, status, elements };
  }

  /** A processing instruction, comment or CDATA section is skipped; a DOCTYPE or entity refused. */
  private skipMarkup(lt: number): number {
    const { xml } = this;
    const skipTo = (close: string, from: number, what: string) => {
      const end = xml.indexOf(close, from);
      return end < 0 ? fail('malformed', `unterminated ${what}`) : end + close.length;
    };
    if (xml.charCodeAt(lt + 1) === 63 /* ? */) return skipTo('?>', lt + 2, 'processing instruction');
    if (xml.startsWith('<!--', lt)) return skipTo('-->', lt + 4, 'comment');
    if (xml.startsWith('<![CDATA[', lt)) return skipTo(']]>', lt + 9, 'CDATA section');
    return fail('doctype', 'DOCTYPE or entity declaration in the response');
  }

  private endTag(lt: number): number {
    const end = this.xml.indexOf('>', lt + 2);
    if (end < 0 || this.path.length === 0) fail('malformed', 'unbalanced end tag');
    this.path.pop();
    this.children.pop();
    if (this.scopes.length > this.path.length + 1) this.scopes.length = this.path.length + 1;
    return end + 1;
  }

  /** A start tag: its name, then attributes up to an unquoted '>'. */
  private startTag(lt: number): number {
    const { xml, path, limits } = this;
    let j = lt + 1;
    while (j < xml.length && !NAME_END.has(xml.charCodeAt(j))) j++;
    const qname = xml.slice(lt + 1, j);
    const name = qname.slice(qname.indexOf(':') + 1);
    if (name === '') fail('malformed', 'empty element name');
    if (++this.elements > limits.maxElements)
      fail('too_many_elements', `more than ${limits.maxElements} elements`);
    const depth = path.length; // of this element: 0 is the root
    if (depth === 0 && this.elements > 1) fail('malformed', 'more than one root element');
    const firstChild = depth > 0 && this.children[depth - 1]++ === 0;
    const tag = this.readAttributes(j, name, depth);
    const role = depth < NS_DEPTH ? this.roleOf(qname, depth, firstChild, tag) : '';
    if (!tag.selfClosing) {
      if (path.length + 1 > limits.maxDepth) fail('too_deep', `nested deeper than ${limits.maxDepth}`);
      path.push(role);
      this.children.push(0);
    }
    return tag.end + 1;
  }

  private readAttributes(from: number, name: string, depth: number): StartTag {
    const { xml, limits } = this;
    let attributes = 0;
    let attrName = '';
    let attrStart = -1;
    let value: string | null = null;
    let declarations: [string, string][] | null = null;
    for (let j = from; j < xml.length; j++) {
      const c = xml.charCodeAt(j);
      if (c === 34 /* " */ || c === 39 /* ' */) {
        const end = xml.indexOf(c === 34 ? '"' : "'", j + 1);
        if (end < 0) fail('malformed', 'unterminated attribute value');
        const text = xml.slice(j + 1, end);
        if (depth === 0) this.rootAttribute(attrName, text);
        if (attrName === 'Value') {
          // A repeated attribute is not XML: refused here, so we never read one copy and xmldom another.
          if (value !== null) fail('malformed', `Value given twice on <${name}>`);
          value = text;
        }
        if (depth < NS_DEPTH && (attrName === 'xmlns' || attrName.startsWith('xmlns:')))
          (declarations ??= []).push([attrName.slice(6), decodeText(text)]);
        attrName = '';
        j = end;
      } else if (c === 60 /* < */) fail('malformed', `"<" inside <${name}>`);
      else if (c === 62 /* > */)
        return { end: j, selfClosing: xml.charCodeAt(j - 1) === 47, value, declarations };
      else if (c === 61 /* = */) {
        if (attrStart < 0) fail('malformed', 'attribute without a name');
        if (++attributes > limits.maxAttributes)
          fail('too_many_attributes', `more than ${limits.maxAttributes} attributes on <${name}>`);
        attrName = xml.slice(attrStart, j).trim();
        attrStart = -1;
      } else if (!isSpace(c) && c !== 47 && attrStart < 0) attrStart = j;
    }
    return fail('malformed', 'unterminated start tag');
  }

  /** InResponseTo and Destination of the root, each given once. */
  private rootAttribute(attrName: string, text: string): void {
    if (attrName === 'InResponseTo') {
      if (this.inResponseTo !== null) fail('malformed', 'InResponseTo given twice');
      this.inResponseTo = decodeText(text);
    }
    if (attrName === 'Destination') {
      if (this.destination !== null) fail('malformed', 'Destination given twice');
      this.destination = decodeText(text);
    }
  }

  /** The element's namespace scope, and its role for the Status (reading the StatusCode values). */
  private roleOf(qname: string, depth: number, firstChild: boolean, tag: StartTag): Role {
    let scope = this.scopes[depth];
    if (tag.declarations) {
      scope = Object.assign(Object.create(null) as Scope, scope);
      for (const [prefix, uri] of tag.declarations) scope[prefix] = uri;
    }
    this.scopes[depth + 1] = scope;
    const colon = qname.indexOf(':');
    const name = qname.slice(colon + 1);
    const inProtocol = scope[colon < 0 ? '' : qname.slice(0, colon)] === SAML_PROTOCOL;
    const parent = depth === 0 ? '' : this.path[depth - 1];
    if (depth === 0) {
      this.rootName = name;
      return inProtocol && name === 'Response' ? 'response' : '';
    }
    if (parent === 'response' && name === 'Status') {
      if (!inProtocol) fail('malformed', 'a Status outside the SAML protocol namespace');
      if (++this.statusCount > 1) fail('malformed', 'more than one Status');
      if (tag.selfClosing) fail('malformed', 'a Status without a StatusCode');
      return 'status';
    }
    if (parent === 'status' && firstChild) {
      if (!inProtocol || name !== 'StatusCode')
        fail('malformed', 'the first element in the Status is not a protocol StatusCode');
      this.status.code = tag.value;
      return 'code';
    }
    if (parent === 'status') return inProtocol && name === 'StatusMessage' ? 'message' : '';
    if (parent === 'code' && firstChild && inProtocol && name === 'StatusCode')
      this.status.subCode = tag.value;
    return '';
  }
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
