// compilePattern and PatternIndex on their own. PatternIndex's prefix buckets and alternation sets
// only make matching faster, so besides the hits these specs pin the speed contract itself: which
// matchers run, counted through a RegexCompiler that wraps the real one.
import { compileRegex } from '../pattern-regex';
import { compilePattern, groupsByFoldedName, PatternIndex, type RegexCompiler } from './link-match';
import type { EngineGroup, EngineLink } from './types';

const group = (id: string, name: string): EngineGroup => ({ id, name, parentId: null });
const BLUE = group('g-blue', 'Blue');
const link = (
  id: string,
  externalGroup: string,
  matchType: 'glob' | 'regex',
  targetFromCapture = false,
): EngineLink => ({
  id,
  groupId: 'g-eng',
  idpId: 'idp',
  externalGroup,
  role: 'developer',
  matchType,
  targetFromCapture,
});

/** The real compiler, recording each source it compiles and each source whose matcher runs. */
function counting(refuse: (source: string) => boolean = () => false) {
  const compiled: string[] = [];
  const runs: string[] = [];
  const compile: RegexCompiler = (source, ignoreCase) => {
    compiled.push(source);
    if (refuse(source)) throw new Error(`refused: ${source}`);
    const real = compileRegex(source, ignoreCase);
    return { ...real, match: (value) => (runs.push(source), real.match(value)) };
  };
  return { compile, compiled, runs };
}

/** Unprefixed regex links `.*-0` ... : a claim `team-12` matches link u12 only. */
const unprefixed = (count: number) =>
  Array.from({ length: count }, (_, i) => link(`u${i}`, `.*-${i}`, 'regex'));

function indexOf(links: EngineLink[], compiler: ReturnType<typeof counting>, seal = true): PatternIndex {
  const index = new PatternIndex();
  for (const l of links) index.add(compilePattern(l, false, compiler.compile));
  if (seal) index.seal(compiler.compile, false);
  return index;
}

const ids = (index: PatternIndex, claim: string) => index.hits(claim).map((h) => h.link.id);
const alternation = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `(?:.*-${from + i})`).join('|');

describe('compilePattern', () => {
  it('trims the pattern as it was saved', () => {
    expect(compilePattern(link('g', ' eng-* ', 'glob'), false, undefined).test('eng-a')).not.toBeNull();
    expect(compilePattern(link('g', ' eng-* ', 'glob'), false, compileRegex).test('eng-a')).not.toBeNull();
    expect(compilePattern(link('r', ' eng-.+ ', 'regex'), false, compileRegex).test('eng-a')).not.toBeNull();
  });

  it('a glob without a compiler runs on the glob matcher and has no regular expression', () => {
    const compiled = compilePattern(link('g', 'eng-*', 'glob'), false, undefined);
    expect(compiled.regexSource).toBeNull();
    expect(compiled.prefix).toBe('eng-');
    expect(compiled.test('eng-a')).toEqual({ link: compiled.link, claim: 'eng-a', capture: null });
    expect(compiled.test('ops')).toBeNull();
  });

  it("a glob with a compiler runs only that compiler's matcher, case-sensitively (claims come normalized)", () => {
    const compiler = counting();
    const compiled = compilePattern(link('g', 'Eng-*', 'glob'), false, compiler.compile);
    expect(compiled.regexSource).toBe('(?s:Eng-.*)');
    expect(compiled.test('Eng-a')).not.toBeNull();
    expect(compiled.test('eng-a')).toBeNull();
    expect(compiler.runs).toEqual(['(?s:Eng-.*)', '(?s:Eng-.*)']);
  });

  it('a glob reaches no group, even flagged to take its target from a capture', () => {
    expect(compilePattern(link('g', '*', 'glob', true), false, compileRegex).reaches(BLUE)).toBe(false);
  });

  it('a regex link needs a compiler', () => {
    expect(() => compilePattern(link('r', 'eng', 'regex'), false, undefined)).toThrow(
      'A regex link needs a regular expression compiler',
    );
  });

  it('capture 1 is the capture; none (or one that took no part) is null', () => {
    const capture = (source: string, claim: string) =>
      compilePattern(link('r', source, 'regex'), false, compileRegex).test(claim)?.capture;
    expect(capture('team-(.+)', 'team-blue')).toBe('blue');
    expect(capture('team-.+', 'team-blue')).toBeNull();
    expect(capture('team(-x)?', 'team')).toBeNull();
  });

  it('only a capture link reaches the groups its capture may name', () => {
    const compile = (capture: boolean) =>
      compilePattern(link('r', 'team-(.+)', 'regex', capture), false, compileRegex);
    expect(compile(true).reaches(BLUE)).toBe(true);
    expect(compile(false).reaches(BLUE)).toBe(false);
  });
});

describe('PatternIndex', () => {
  it('counts every link added, prefixed or not', () => {
    expect(new PatternIndex().size).toBe(0);
    expect(indexOf([link('p', 'eng-.+', 'regex'), ...unprefixed(1)], counting()).size).toBe(2);
  });

  it("a claim that does not start with a link's literal prefix never runs that link's matcher", () => {
    const compiler = counting();
    const index = indexOf([link('r', 'eng-.+', 'regex'), link('g', 'eng-*', 'glob')], compiler);
    compiler.runs.length = 0;
    expect(ids(index, 'ex')).toEqual([]);
    expect(ids(index, 'ops')).toEqual([]);
    expect(compiler.runs).toEqual([]);
    expect(ids(index, 'eng-a')).toEqual(['r', 'g']);
    expect(compiler.runs).toEqual(['eng-.+', '(?s:eng-.*)']);
  });

  it('links with a literal prefix never join an alternation', () => {
    const compiler = counting();
    indexOf([link('r', 'eng-.+', 'regex'), link('g', 'ops-*', 'glob')], compiler);
    expect(compiler.compiled).toEqual(['eng-.+', '(?s:ops-.*)']);
  });

  it('links without one (regexes and globs) are compiled together, as alternations of ten', () => {
    const compiler = counting();
    const index = indexOf([...unprefixed(20), link('g', '*-team', 'glob')], compiler);
    expect(compiler.compiled.slice(21)).toEqual([
      alternation(0, 10),
      alternation(10, 20),
      '(?:(?s:.*-team))',
    ]);
    expect(ids(index, 'blue-team')).toEqual(['g']);
  });

  it("unprefixed links are tried one by one only when their set's alternation matches", () => {
    const compiler = counting();
    const index = indexOf(unprefixed(25), compiler);
    compiler.runs.length = 0;
    expect(ids(index, 'nothing')).toEqual([]);
    expect(compiler.runs).toEqual([alternation(0, 10), alternation(10, 20), alternation(20, 25)]);
    compiler.runs.length = 0;
    expect(ids(index, 'team-12')).toEqual(['u12']);
    expect(compiler.runs).toEqual([
      alternation(0, 10),
      alternation(10, 20),
      ...Array.from({ length: 10 }, (_, i) => `.*-${10 + i}`),
      alternation(20, 25),
    ]);
  });

  it('a failing alternation compile falls back to testing each link', () => {
    // The second set is refused (e.g. two links reuse a capture name): no set is used, not even the first.
    const compiler = counting((source) => source.startsWith('(?:.*-10)'));
    const index = indexOf(unprefixed(15), compiler);
    compiler.runs.length = 0;
    expect(ids(index, 'team-12')).toEqual(['u12']);
    expect(compiler.runs).toEqual(Array.from({ length: 15 }, (_, i) => `.*-${i}`));
  });

  it('sealed without a compiler, each link is tested alone', () => {
    const compiler = counting();
    const index = indexOf(unprefixed(3), compiler, false);
    index.seal(undefined, false);
    expect(ids(index, 'team-1')).toEqual(['u1']);
    expect(compiler.runs).toEqual(['.*-0', '.*-1', '.*-2']);
  });

  it("without a compiler every glob stays in its bucket ('' when it has no prefix), tested before the claim's first character's", () => {
    const index = new PatternIndex();
    for (const [id, pattern] of [
      ['eng', 'eng-*'],
      ['any', '*'],
      ['enga', 'eng-a*'],
    ])
      index.add(compilePattern(link(id, pattern, 'glob'), false, undefined));
    index.seal(undefined, false);
    expect(ids(index, 'eng-ab')).toEqual(['any', 'eng', 'enga']);
    expect(ids(index, '')).toEqual(['any']);
    // a name is only a name, whatever it reads (no bucket starts with u)
    expect(ids(index, 'undefined')).toEqual(['any']);
  });
});

describe('groupsByFoldedName', () => {
  it('keeps every group whose name folds to the same key', () => {
    const byName = groupsByFoldedName([BLUE, group('g-blue2', 'blue'), group('g-red', 'Red')]);
    expect(byName.get('blue')?.map((g) => g.id)).toEqual(['g-blue', 'g-blue2']);
    expect(byName.get('red')?.map((g) => g.id)).toEqual(['g-red']);
  });
});
