import fc from 'fast-check';
import { DEFAULT_SAML_LIMITS, precheckSamlResponse, SamlResponseLimits } from './saml-precheck';

const limits: SamlResponseLimits = {
  maxResponseBytes: 64 * 1024,
  maxDepth: 10,
  maxElements: 100,
  maxAttributes: 5,
};
const response = (inner: string, attrs = '') =>
  `<?xml version="1.0"?><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" InResponseTo="_req-1"${attrs}>${inner}</samlp:Response>`;
const status = (code: string, sub = '', message = '') =>
  `<samlp:Status><samlp:StatusCode Value="${code}">${sub ? `<samlp:StatusCode Value="${sub}"/>` : ''}</samlp:StatusCode>${
    message ? `<samlp:StatusMessage>${message}</samlp:StatusMessage>` : ''
  }</samlp:Status>`;

describe('precheckSamlResponse', () => {
  it('reads the root, InResponseTo and the top-level status with its second-level code and message', () => {
    const result = precheckSamlResponse(
      response(
        status(
          'urn:oasis:names:tc:SAML:2.0:status:Responder',
          'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
          'User &lt;ada&gt; is &#x27;blocked&#39;',
        ) + '<saml:Assertion xmlns:saml="x"><saml:Subject/></saml:Assertion>',
      ),
      limits,
    );
    expect(result).toEqual({
      ok: true,
      rootName: 'Response',
      inResponseTo: '_req-1',
      destination: null,
      elements: 7,
      status: {
        code: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
        subCode: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
        message: "User <ada> is 'blocked'",
      },
    });
  });

  it('ignores Status-like elements that are not the top-level one, comments, CDATA and quoted ">"', () => {
    const result = precheckSamlResponse(
      response(
        `<!-- <samlp:Status> --><![CDATA[<x>]]>${status('urn:oasis:names:tc:SAML:2.0:status:Success')}` +
          `<a:Assertion xmlns:a="x" note='a > b' other="/"><a:Status><a:StatusCode Value="evil"/></a:Status></a:Assertion>`,
      ),
      limits,
    );
    expect(result).toMatchObject({
      ok: true,
      status: { code: 'urn:oasis:names:tc:SAML:2.0:status:Success', subCode: null, message: null },
    });
  });

  describe('reads only the protocol Status of the protocol Response', () => {
    const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
    const OK = 'urn:oasis:names:tc:SAML:2.0:status:Success';
    const NO = 'urn:oasis:names:tc:SAML:2.0:status:Responder';
    const root = (inner: string, decl = `xmlns:samlp="${P}"`) =>
      `<samlp:Response ${decl} ID="_1" InResponseTo="_req-1">${inner}</samlp:Response>`;

    it.each([
      ['the usual samlp prefix', root(`<samlp:Status><samlp:StatusCode Value="${OK}"/></samlp:Status>`)],
      [
        'another prefix, declared on the Status itself',
        root(`<p:Status xmlns:p="${P}"><p:StatusCode Value="${OK}"/></p:Status>`),
      ],
      [
        'the default namespace',
        `<Response xmlns="${P}" ID="_1"><Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">i</Issuer>` +
          `<Status><!-- first --><StatusCode Value="${OK}"/><StatusMessage>fine</StatusMessage></Status></Response>`,
      ],
      [
        'the namespace written with a character reference',
        root(
          `<samlp:Status><samlp:StatusCode Value="${OK}"/></samlp:Status>`,
          `xmlns:samlp="${P.replace('l', '&#108;')}"`,
        ),
      ],
    ])('%s: Success', (_name, xml) => {
      expect(precheckSamlResponse(xml, limits)).toMatchObject({ ok: true, status: { code: OK } });
    });

    it.each([
      [
        'a Status of another namespace instead of the protocol one',
        root(`<x:Status xmlns:x="urn:x"><x:StatusCode Value="${OK}"/></x:Status>`),
      ],
      [
        'a foreign StatusCode before the protocol one',
        root(
          `<samlp:Status><x:StatusCode xmlns:x="urn:x" Value="${OK}"/><samlp:StatusCode Value="${NO}"/></samlp:Status>`,
        ),
      ],
      [
        'another element first in the Status',
        root(
          `<samlp:Status><samlp:StatusMessage>m</samlp:StatusMessage><samlp:StatusCode Value="${OK}"/></samlp:Status>`,
        ),
      ],
      [
        'an unprefixed StatusCode where the default namespace is not the protocol',
        root(`<samlp:Status><StatusCode Value="${OK}"/></samlp:Status>`),
      ],
      [
        'a default namespace undone on the StatusCode',
        `<Response xmlns="${P}" ID="_1"><Status><StatusCode xmlns="" Value="${OK}"/></Status></Response>`,
      ],
      ['an empty Status', root('<samlp:Status/>')],
      [
        'a StatusCode with Value twice',
        root(`<samlp:Status><samlp:StatusCode Value="${OK}" Value="${NO}"/></samlp:Status>`),
      ],
      ['InResponseTo twice', root('', `xmlns:samlp="${P}" InResponseTo="_other"`)],
    ])('%s: malformed', (_name, xml) => {
      expect(precheckSamlResponse(xml, limits)).toMatchObject({ ok: false, problem: 'malformed' });
    });

    it.each([
      [
        'a root that is not a protocol Response',
        `<x:Response xmlns:x="urn:x" xmlns:samlp="${P}"><samlp:Status><samlp:StatusCode Value="${OK}"/></samlp:Status></x:Response>`,
      ],
      ['no Status at all', root('<saml:Assertion xmlns:saml="urn:a"/>')],
      [
        'an undeclared prefix',
        `<samlp:Response><samlp:Status><samlp:StatusCode Value="${OK}"/></samlp:Status></samlp:Response>`,
      ],
    ])('%s: no status read', (_name, xml) => {
      expect(precheckSamlResponse(xml, limits)).toMatchObject({ ok: true, status: { code: null } });
    });

    it('takes the second-level code only from the first protocol StatusCode inside the top one', () => {
      const xml = root(
        `<samlp:Status><samlp:StatusCode Value="${NO}"><x:StatusCode xmlns:x="urn:x" Value="urn:x:evil"/></samlp:StatusCode></samlp:Status>`,
      );
      expect(precheckSamlResponse(xml, limits)).toMatchObject({
        ok: true,
        status: { code: NO, subCode: null },
      });
    });
  });

  it.each([
    ['DOCTYPE', `<!DOCTYPE r [<!ENTITY x "y">]>${response('')}`, 'doctype'],
    ['too deep', response('<a>'.repeat(10) + '</a>'.repeat(10)), 'too_deep'],
    ['too many elements', response('<a/>'.repeat(100)), 'too_many_elements'],
    ['too many attributes', response('<a b="1" c="2" d="3" e="4" f="5" g="6"/>'), 'too_many_attributes'],
    ['too large', response(' '.repeat(64 * 1024)), 'too_large'],
    ['two Status elements', response(status('s') + status('t')), 'malformed'],
    ['unbalanced end tag', '<a></a></b>', 'malformed'],
    ['unclosed element', '<a><b>', 'malformed'],
    ['unterminated tag', '<a x="1"', 'malformed'],
    ['unterminated attribute', '<a x="1>', 'malformed'],
    ['two roots', '<a/><b/>', 'malformed'],
    ['not XML', 'garbage', 'malformed'],
  ])('refuses %s', (_name, xml, problem) => {
    expect(precheckSamlResponse(xml, limits)).toMatchObject({ ok: false, problem });
  });

  it('counts bytes, not characters', () => {
    const multibyte = response('é'.repeat(40 * 1024)); // 80 KB of UTF-8
    expect(precheckSamlResponse(multibyte, limits)).toMatchObject({ ok: false, problem: 'too_large' });
  });

  // How long these take is a benchmark (npm run bench -- saml-precheck), not an assertion here.
  it('refuses hostile shapes (60,000 nested or flat elements, 50,000 attributes, 1 MB of markup)', () => {
    const big = { ...DEFAULT_SAML_LIMITS, maxResponseBytes: 4 * 1024 * 1024 };
    const shapes = [
      '<a>'.repeat(60000) + '</a>'.repeat(60000),
      `<r>${'<a/>'.repeat(60000)}</r>`,
      `<r ${Array.from({ length: 50000 }, (_, i) => `a${i}="1"`).join(' ')}/>`,
      `<r x="${'"'.padStart(1, ' ')}${'<'.repeat(1_000_000)}`,
      '<'.repeat(1_000_000),
    ];
    for (const xml of shapes) expect(precheckSamlResponse(xml, big).ok).toBe(false);
  });

  it('never throws, whatever the input (property-based, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('<', '>', '/', '"', "'", '=', ' ', 'a', ':', '!', '?', '-', '[') }),
        (xml) => {
          const result = precheckSamlResponse(xml, limits);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { seed: 20261201, numRuns: 2000 },
    );
  });
});
