import { checkExamples, globMatches, parseExamples } from './link-pattern';

describe("the link form's live pattern check", () => {
  it('reads examples from lines or commas', () => {
    expect(parseExamples(' eng-a, eng-b\n\nops ,')).toEqual(['eng-a', 'eng-b', 'ops']);
  });

  it('glob: * and ? only, ignoring case', () => {
    expect(globMatches('eng-*', 'eng-backend')).toBe(true);
    expect(globMatches('eng-?', 'eng-ab')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('a(b)+', 'a(b)+')).toBe(true);
    expect(globMatches('*a*a*a*b', 'a'.repeat(5000))).toBe(false);
    const { results } = checkExamples('glob', 'Eng-*', ['ENG-backend', 'sales']);
    expect(results.map((r) => r.matches)).toEqual([true, false]);
  });

  it('exact compares the whole name', () => {
    expect(
      checkExamples('exact', 'Developers', ['developers', 'developers-2']).results.map((r) => r.matches),
    ).toEqual([true, false]);
  });

  it('regex: anchored, with capture 1 for the target group', () => {
    const { results, error } = checkExamples('regex', '^team-(.+)$', ['team-blue', 'my-team-blue']);
    expect(error).toBeNull();
    expect(results).toEqual([
      { example: 'team-blue', matches: true, capture: 'blue' },
      { example: 'my-team-blue', matches: false, capture: null },
    ]);
    expect(checkExamples('regex', 'eng', ['eng-a']).results[0].matches).toBe(false);
  });

  it('an invalid or unsupported regex gives the error, not a crash', () => {
    expect(checkExamples('regex', '(a)\\1', ['aa']).error).toContain('invalid escape');
    expect(checkExamples('regex', '(?=a)', ['a']).error).toBeTruthy();
  });

  it('a catastrophic pattern does not hang the page (linear-time engine)', () => {
    const { results } = checkExamples('regex', '(a+)+$', [`${'a'.repeat(300)}!`]);
    expect(results[0].matches).toBe(false);
  });
});
