import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertCleanPrototype,
  findInputProblem,
  forbiddenSegment,
  isUnstorable,
  MAX_JSON_DEPTH,
  inertCopy,
  prototypePollution,
} from './safe-input';

describe('forbiddenSegment', () => {
  it.each([
    ['__proto__', '__proto__'],
    ['__proto__.x', '__proto__'],
    ['constructor.prototype.x', 'constructor'],
    ['name.prototype', 'prototype'],
    ['emails[constructor eq "x"].value', 'constructor'],
    ['emails[type eq "work"].constructor', 'constructor'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:__proto__.x', '__proto__'],
    ['__PROTO__', '__PROTO__'],
    ['Constructor', 'Constructor'],
  ])('%s is refused', (path, segment) => {
    expect(forbiddenSegment(path)).toBe(segment);
  });

  it.each([
    'name.givenName',
    'emails[value eq "constructor"].type',
    'userName eq "__proto__"',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
    'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
    'constructors',
    'proto',
  ])('%s is allowed', (path) => {
    expect(forbiddenSegment(path)).toBeNull();
  });
});

describe('isUnstorable', () => {
  it('finds NUL and lone surrogates, not paired ones', () => {
    expect(isUnstorable('a\u0000b')).toBe(true);
    expect(isUnstorable('a\uD800b')).toBe(true);
    expect(isUnstorable('a\uDC00')).toBe(true);
    expect(isUnstorable('\uDC00\uD800')).toBe(true);
    expect(isUnstorable('emoji 😀 ok')).toBe(false);
    expect(isUnstorable('Ünïcødé')).toBe(false);
  });
});

describe('findInputProblem', () => {
  const nested = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown;

  it('accepts ordinary JSON', () => {
    expect(findInputProblem({ a: [1, 'x', { b: null, c: true }], d: 'é😀' })).toBeNull();
    expect(findInputProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(findInputProblem(undefined)).toBeNull();
  });

  it('refuses depth beyond the limit without recursing (100,000 levels)', () => {
    expect(findInputProblem(nested(MAX_JSON_DEPTH + 1))).toEqual(
      expect.objectContaining({ kind: 'too_deep' }),
    );
    expect(findInputProblem(nested(100_000))).toEqual(expect.objectContaining({ kind: 'too_deep' }));
  });

  it('refuses prototype keys anywhere, own keys made by JSON.parse included', () => {
    expect(findInputProblem(JSON.parse('{"a":[{"__proto__":{"x":1}}]}'))).toEqual({
      kind: 'forbidden_key',
      at: 'body.a[0].__proto__',
      segment: '__proto__',
    });
    expect(findInputProblem(JSON.parse('{"constructor.prototype.x":1}'))).toEqual(
      expect.objectContaining({ kind: 'forbidden_key', segment: 'constructor' }),
    );
  });

  it('refuses NUL and lone surrogates in values and keys', () => {
    expect(findInputProblem({ name: 'a\u0000' })).toEqual({ kind: 'unstorable', at: 'body.name' });
    expect(findInputProblem(JSON.parse('{"a":["\\ud800"]}'))).toEqual({
      kind: 'unstorable',
      at: 'body.a[0]',
    });
    expect(findInputProblem({ ['k\u0000']: 1 }, 'query')).toEqual({
      kind: 'unstorable',
      at: 'query.k\u0000',
    });
  });
});

describe('inertCopy', () => {
  it('copies deeply onto objects whose prototype is not Object.prototype, so hostile keys stay data', () => {
    const copy = inertCopy({ a: { b: [{ c: 1 }] }, d: 'x' });
    const proto = Object.getPrototypeOf(copy) as object;
    expect(proto).not.toBe(Object.prototype);
    expect(Object.getPrototypeOf(proto)).toBeNull();
    expect(Object.isFrozen(proto)).toBe(true);
    expect(Object.getPrototypeOf(copy.a.b[0])).toBe(proto);
    expect(JSON.stringify(copy)).toBe('{"a":{"b":[{"c":1}]},"d":"x"}');
    const target = copy as unknown as Record<string, Record<string, unknown>>;
    (target['constructor'] ??= {})['prototype'] = 'y';
    (target['__proto__'] ??= {})['polluted'] = 'y';
    expect(prototypePollution()).toEqual([]);
    expect(Object.keys(proto)).toEqual([]);
  });

  it('still compares like plain data (fast-deep-equal, as scim-patch uses it, calls valueOf)', () => {
    const equal = jest.requireActual<(a: unknown, b: unknown) => boolean>('fast-deep-equal');
    expect(equal(inertCopy({ value: 'a', type: 'work' }), inertCopy({ value: 'a', type: 'work' }))).toBe(
      true,
    );
    expect(equal(inertCopy({ value: 'a' }), inertCopy({ value: 'b' }))).toBe(false);
  });
});

describe('the start-up prototype check', () => {
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('passes on a clean process and refuses, in one line, once Object.prototype has a new key', () => {
    expect(prototypePollution()).toEqual([]);
    expect(() => assertCleanPrototype()).not.toThrow();
    (Object.prototype as Record<string, unknown>).polluted = 'yes';
    expect(prototypePollution()).toEqual(['polluted']);
    expect(() => assertCleanPrototype()).toThrow(
      /^Object\.prototype has unexpected properties \(polluted\)[^\n]*$/,
    );
  });

  it('also finds a non-enumerable key added with defineProperty, and nothing once it is gone', () => {
    Object.defineProperty(Object.prototype, 'hidden', { value: 1, configurable: true, enumerable: false });
    try {
      expect(prototypePollution()).toEqual(['hidden']);
      expect(() => assertCleanPrototype()).toThrow(/\(hidden\)/);
    } finally {
      delete (Object.prototype as Record<string, unknown>).hidden;
    }
    expect(prototypePollution()).toEqual([]);
  });

  it('main.ts runs the check before it listens', () => {
    const main = readFileSync(join(__dirname, '..', 'main.ts'), 'utf8');
    expect(main.indexOf('assertCleanPrototype()')).toBeGreaterThan(0);
    expect(main.indexOf('assertCleanPrototype()')).toBeLessThan(main.indexOf('app.listen('));
  });
});

describe('the shipped start commands run Node with --disable-proto=delete', () => {
  const root = join(__dirname, '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };

  it('npm start, the Dockerfile, demo and bench pass the flag', () => {
    expect(pkg.scripts.start).toMatch(/^node --disable-proto=delete dist\/main\.js$/);
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toContain(
      'CMD ["node", "--disable-proto=delete", "dist/main.js"]',
    );
    expect(readFileSync(join(root, 'scripts', 'demo.js'), 'utf8')).toContain("'--disable-proto=delete'");
    expect(readFileSync(join(root, 'bench', 'lib.js'), 'utf8')).toContain("'--disable-proto=delete'");
    // and the tests run the way the service does (plus --liftoff-only, which lets Jest workers exit on
    // time, and a larger young generation: docs/testing.md)
    for (const script of ['test', 'test:unit', 'test:integration', 'test:e2e'])
      expect(pkg.scripts[script]).toMatch(
        /^node --disable-proto=delete --liftoff-only --max-semi-space-size=32 node_modules\/jest\/bin\/jest\.js/,
      );
  });

  it('a process started with the start script flags has no __proto__ accessor', () => {
    const flags = pkg.scripts.start.split(' ').filter((a) => a.startsWith('--'));
    const probe = `const o = JSON.parse('{"__proto__":{"x":1}}'); const t = {}; Object.assign(t, o);
      const p = {}; p['__proto__'] = { y: 1 };
      console.log(JSON.stringify({ accessor: '__proto__' in Object.prototype, x: t.x, y: ({}).y, own: Object.keys(p) }));`;
    const out = execFileSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ accessor: false, own: ['__proto__'] });
    // and without the flag the same code swaps prototypes: the flag is what makes the difference
    const plain = execFileSync(process.execPath, ['-e', probe], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(JSON.parse(plain)).toEqual({ accessor: true, x: 1, own: [] });
  });
});
