import { compileFilter, ScimFilterError } from './scim-filter';
import { USER_FILTER_SCHEMA } from './scim-query';

// What the compiler makes of id and date-time operands, read from the SQL it writes: the rules a
// client meets at the edges (a string that only looks like a UUID, a date-time in each allowed form).
const compile = (filter: string) =>
  compileFilter(filter, USER_FILTER_SCHEMA, 'sqlite', (d: Date) => d.toISOString());

const UUID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('id operands: only a whole lower- or upper-case UUID is an id', () => {
  it('binds a UUID for eq, lower-cased', () => {
    const { sql, params } = compile(`id eq "${UUID.toUpperCase()}"`);
    expect(sql).toBe('(u."userId" IS NOT NULL AND u."userId" = :scim_f0)');
    expect(params).toEqual({ scim_f0: UUID });
  });

  // Each differs from a UUID in one place: before, after, or inside one of its five groups.
  it.each([
    ['a prefix', `x${UUID}`],
    ['a suffix', `${UUID}0`],
    ['a short first group', UUID.replace('0a1b2c3d', '0')],
    ['a non-hex first group', UUID.replace('0a1b2c3d', '0a1b2c3g')],
    ['a short second group', UUID.replace('-4e5f-', '-4-')],
    ['a non-hex second group', UUID.replace('-4e5f-', '-4e5g-')],
    ['a short third group', UUID.replace('-4a6b-', '-4-')],
    ['a non-hex third group', UUID.replace('-4a6b-', '-4a6z-')],
    ['a short fourth group', UUID.replace('-8c7d-', '-8-')],
    ['a non-hex fourth group', UUID.replace('-8c7d-', '-8c7x-')],
    ['a short last group', UUID.replace('9e0f1a2b3c4d', '9')],
    ['a non-hex last group', UUID.replace('9e0f1a2b3c4d', '9e0f1a2b3c4z')],
  ])('eq with %s matches nothing and ne everything', (_what, value) => {
    expect(compile(`id eq "${value}"`)).toEqual({ sql: '(1 = 0)', params: {} });
    expect(compile(`id ne "${value}"`)).toEqual({ sql: '(1 = 1)', params: {} });
  });
});

describe('date-time operands', () => {
  const bound = (value: string) => compile(`meta.lastModified gt "${value}"`).params.scim_f0;

  it.each([
    ['minutes without seconds', '2024-01-31T12:30Z', '2024-01-31T12:30:00.000Z'],
    ['an offset without a colon', '2024-01-31T12:30:00+0100', '2024-01-31T11:30:00.000Z'],
    ['an offset with a colon', '2024-01-31T12:30:00-01:00', '2024-01-31T13:30:00.000Z'],
    ['a space for the T', '2024-01-31 12:30:00Z', '2024-01-31T12:30:00.000Z'],
    ['a date alone', '2024-01-31', '2024-01-31T00:00:00.000Z'],
    ['the last second of a day', '2024-01-31T23:59:59Z', '2024-01-31T23:59:59.000Z'],
    ['29 February of a leap year', '2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('accepts %s', (_what, value, iso) => {
    expect(bound(value)).toBe(iso);
  });

  it.each([
    ['text before', 'x2024-01-31'],
    ['text after', '2024-01-31T12:30:00Zjunk'],
    ['month 0', '2024-00-10'],
    ['month 13', '2024-13-10'],
    ['day 0', '2024-01-00'],
    ['30 February', '2024-02-30'],
    ['29 February of a common year', '2023-02-29'],
    ['hour 24', '2024-01-31T24:00:00Z'],
    ['minute 60', '2024-01-31T12:60:00Z'],
    ['second 60', '2024-01-31T12:30:60Z'],
  ])('refuses %s', (_what, value) => {
    expect(() => compile(`meta.lastModified gt "${value}"`)).toThrow(ScimFilterError);
    expect(() => compile(`meta.lastModified gt "${value}"`)).toThrow(/ISO 8601 date-time/);
  });

  it.each(['co', 'sw', 'ew'])('refuses the substring operator %s on a date-time', (op) => {
    expect(() => compile(`meta.created ${op} "2024"`)).toThrow(
      `"meta.created" is a date-time and does not support "${op}"`,
    );
  });
});

describe('pr on each kind of column', () => {
  it('a string is present when neither null nor empty; other kinds when not null', () => {
    expect(compile('displayName pr').sql).toBe(`(u."displayName" IS NOT NULL AND u."displayName" <> '')`);
    expect(compile('active pr').sql).toBe('(u."active" IS NOT NULL)');
    expect(compile('meta.created pr').sql).toBe('(u."createdAt" IS NOT NULL)');
    expect(compile('id pr').sql).toBe('(u."userId" IS NOT NULL)');
  });
});

// Mutation runs use New York time (test/mutation/jest.config.js sets TZ): in a UTC process a
// date-time read as local time is the same instant, so only another zone tells the rule apart.
describe('date-times without an offset are UTC, whatever the time zone of the server', () => {
  const bound = (value: string) => compile(`meta.created ge "${value}"`).params.scim_f0;

  it('takes a date-time without an offset as UTC, not local time', () => {
    expect(bound('2024-01-31T10:00:00')).toBe('2024-01-31T10:00:00.000Z');
    expect(bound('2024-01-31 10:00')).toBe('2024-01-31T10:00:00.000Z');
    expect(bound('2024-01-31')).toBe('2024-01-31T00:00:00.000Z');
  });

  it('keeps an explicit offset or Z as given', () => {
    expect(bound('2024-01-31T10:00:00z')).toBe('2024-01-31T10:00:00.000Z');
    expect(bound('2024-01-31T10:00:00+02:00')).toBe('2024-01-31T08:00:00.000Z');
    expect(bound('2024-01-31T10:00:00.250Z')).toBe('2024-01-31T10:00:00.250Z');
  });
});
