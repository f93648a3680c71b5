import fc from 'fast-check';
import { compileRegex, firstCapture, literalPrefix, regexProblem } from './pattern-regex';

describe('regex link patterns: validation at save', () => {
  it.each([
    ['(a)\\1', 'RE2 syntax'], // backreference
    ['(?=a)b', 'RE2 syntax'], // lookahead
    ['(?<=a)b', 'RE2 syntax'], // lookbehind
    ['([a-z]', 'RE2 syntax'],
    ['a{101}', 'repetition counts above 100'],
    ['.{100}'.repeat(25), 'instructions'],
  ])('refuses %s (%s)', (pattern, reason) => {
    expect(regexProblem(pattern, false)).toContain(reason);
  });

  it('a capture target needs a capturing group', () => {
    expect(regexProblem('^team-.+$', true)).toContain('needs a capturing group');
    expect(regexProblem('^team-(?:.+)$', true)).toContain('needs a capturing group');
    expect(regexProblem('^team-(.+)$', true)).toBeNull();
    expect(regexProblem('^team-(?P<name>.+)$', true)).toBeNull();
  });

  it('accepts ordinary patterns', () => {
    for (const p of ['eng-.*', '^(dev|ops)-[0-9]+$', 'team-\\w+', '[[:alpha:]]+'])
      expect(regexProblem(p, false)).toBeNull();
  });
});

describe('regex link patterns: matching', () => {
  it('is anchored and returns the captures', () => {
    const m = compileRegex('team-(.+)', false);
    expect(m.match('team-blue')?.[1]).toBe('blue');
    expect(m.match('my-team-blue')).toBeNull();
  });

  it('runs catastrophic patterns in linear time (a backtracking engine takes seconds at 30 characters)', () => {
    for (const p of ['(a+)+$', '(a|a)*b', '(.*){20}x', '(\\w+\\s?)+$']) {
      expect(regexProblem(p, false)).toBeNull();
      const m = compileRegex(p, false);
      const t0 = process.hrtime.bigint();
      expect(m.match(`${'a'.repeat(500)}!`)).toBeNull();
      // generous for a loaded machine; a backtracking engine would not finish at all
      expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(3000);
    }
  });

  it('captureCanBe: the capture sub-pattern, whole and ignoring case', () => {
    const m = compileRegex('^team-([a-z]+)$', false);
    expect(m.captureCanBe('Blue')).toBe(true);
    expect(m.captureCanBe('blue-2')).toBe(false);
    expect(compileRegex('^team-.+$', false).captureCanBe('blue')).toBe(false);
  });
});

describe('literal prefix and first capture', () => {
  it.each([
    ['^team-(.+)$', 'team-'],
    ['eng-.*', 'eng-'],
    ['abc*', 'ab'],
    ['ab?c', 'a'],
    ['ab+c', 'ab'],
    ['a\\.b.*', 'a.b'],
    ['a|b', ''],
    ['(?i)abc', ''],
    ['[ab]c', ''],
    ['x(a|b)', 'x'],
  ])('%s starts every match with "%s"', (pattern, prefix) => {
    expect(literalPrefix(pattern)).toBe(prefix);
  });

  it.each([
    ['^team-(.+)$', '.+'],
    ['^(?:x)-(a(b)c)$', 'a(b)c'],
    ['^[(]-(z)$', 'z'],
    ['^\\(-(z)$', 'z'],
    ['^(?P<n>[a-z]+)$', '[a-z]+'],
    ['^nothing$', null],
  ])('the first capture of %s is %s', (pattern, capture) => {
    expect(firstCapture(pattern)).toBe(capture);
  });

  it('every value a pattern matches starts with its literal prefix (random patterns and values)', () => {
    const piece = fc.constantFrom('a', 'b', '-', 'a*', 'b?', 'a+', '.', '(a|b)', '[ab]', '\\.', '|', '(b)');
    const valueArb = fc.string({ unit: fc.constantFrom('a', 'b', '-', '.'), maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 6 }),
        fc.array(valueArb, { maxLength: 20 }),
        (pieces, values) => {
          const pattern = pieces.join('');
          if (regexProblem(pattern, false) !== null) return;
          const m = compileRegex(pattern, false);
          const prefix = literalPrefix(pattern);
          for (const v of values) if (m.match(v) !== null) expect(v.startsWith(prefix)).toBe(true);
        },
      ),
    );
  });
});
