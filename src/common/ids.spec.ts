import { newTimeOrderedId } from './ids';

describe('newTimeOrderedId (UUIDv7)', () => {
  it('is a version 7, variant 1 UUID carrying the millisecond time', () => {
    const id = newTimeOrderedId(Date.UTC(2030, 0, 1));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts in creation order, also within one millisecond', () => {
    const now = Date.now() + 10_000;
    const ids = Array.from({ length: 5000 }, () => newTimeOrderedId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const later = newTimeOrderedId(now + 5000);
    expect(later > ids[ids.length - 1]).toBe(true);
  });
});
