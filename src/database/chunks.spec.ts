import { inChunks, PARAMETERS_PER_STATEMENT, rowsPerInsert } from './chunks';

describe('inChunks', () => {
  it('slices in order, the last slice shorter, nothing for nothing', () => {
    expect(inChunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(inChunks([1, 2], 2)).toEqual([[1, 2]]);
    expect(inChunks([], 2)).toEqual([]);
  });

  it('defaults to the parameter budget, which stays under both dialects’ limits', () => {
    const ids = Array.from({ length: PARAMETERS_PER_STATEMENT + 1 }, (_, i) => i);
    expect(inChunks(ids).map((c) => c.length)).toEqual([PARAMETERS_PER_STATEMENT, 1]);
    expect(PARAMETERS_PER_STATEMENT).toBeLessThan(32766);
  });

  it('refuses a size that would loop forever or lose items', () => {
    expect(() => inChunks([1], 0)).toThrow(RangeError);
    expect(() => inChunks([1], 1.5)).toThrow(RangeError);
  });

  it('fits rows of n columns into one INSERT within the budget', () => {
    expect(rowsPerInsert(16) * 16).toBeLessThanOrEqual(PARAMETERS_PER_STATEMENT);
    expect(rowsPerInsert(16)).toBe(312);
    expect(rowsPerInsert(100000)).toBe(1);
  });
});
