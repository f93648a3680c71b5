// The filter compiler's limits and its defence against the parser's malformed trees, pinned at their
// exact boundaries (mutation testing showed the older tests only looked far past them).
import Database from 'better-sqlite3';
import { compileFilter, ScimFilterError, type FilterSchema } from './scim-filter';
import { USER_FILTER_SCHEMA } from './scim-query';

const compile = (filter: string) =>
  compileFilter(filter, USER_FILTER_SCHEMA, 'sqlite', (d) => d.toISOString());

function rejection(filter: string): string {
  try {
    compile(filter);
  } catch (error) {
    if (error instanceof ScimFilterError) return error.message;
    throw error; // anything else (a TypeError from a malformed tree) fails the test
  }
  throw new Error(`expected ${filter} to be rejected`);
}

describe('compileFilter limits', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = new Database(':memory:');
    db.exec(`CREATE TABLE "scim_users" ("id" TEXT, "userId" TEXT, "userNameKey" TEXT, "active" BOOLEAN);
      CREATE TABLE "scim_user_emails" ("scimUserId" TEXT, "valueKey" TEXT, "type" TEXT, "primary" BOOLEAN);
      INSERT INTO "scim_users" VALUES ('1', '1', 'ada', 1);`);
  });
  afterAll(() => db.close());

  /** Compiles and runs the filter: accepted filters must also be SQL SQLite can run. */
  function count(filter: string): number {
    const { sql, params } = compile(filter);
    return (db.prepare(`SELECT count(*) AS n FROM "scim_users" u WHERE ${sql}`).get(params) as { n: number })
      .n;
  }

  describe('length', () => {
    const ofLength = (length: number) => {
      const head = 'userName eq "';
      return `${head}${'a'.repeat(length - head.length - 1)}"`;
    };

    it('accepts exactly 4096 characters and refuses 4097', () => {
      expect(ofLength(4096)).toHaveLength(4096);
      expect(count(ofLength(4096))).toBe(0);
      expect(rejection(ofLength(4097))).toBe('the filter is longer than 4096 characters');
    });
  });

  describe('nesting', () => {
    it('counts open parentheses and brackets together: 32 levels pass, 33 do not', () => {
      const brackets = (n: number) => `emails[${'('.repeat(n - 1)}value pr${')'.repeat(n - 1)}]`;
      expect(count(brackets(32))).toBe(0);
      expect(rejection(brackets(33))).toBe('the filter is nested too deeply');
    });

    it('closing a level gives it back: many groups side by side are not deep', () => {
      const side = (unit: string) => Array.from({ length: 40 }, () => unit).join(' or ');
      expect(count(side('(userName pr)'))).toBe(1);
      expect(count(side('emails[value pr]'))).toBe(0);
      expect(count(side('((userName pr))'))).toBe(1);
    });

    it('a stray closing parenthesis does not buy extra depth', () => {
      const filter = `${')'.repeat(5)}${'('.repeat(33)}userName pr${')'.repeat(33)}`;
      expect(rejection(filter)).toBe('the filter is nested too deeply');
    });

    it('limits nesting without parentheses too: 32 nots pass, 33 do not', () => {
      expect(count(`${'not '.repeat(32)}userName pr`)).toBe(1);
      expect(rejection(`${'not '.repeat(33)}userName pr`)).toBe('the filter is nested too deeply');
    });

    it('counts each and/or as a level too: 31 nots around a group with a not inside are too deep', () => {
      // With 31 nots the or sits at depth 31, its `not` at 32, the comparison under it at 33. (A or not A) holds for
      // the one row, (A and not A) for none, and an even number of nots changes nothing.
      const group = (inner: string) => `(userName pr ${inner} not userName pr)`;
      expect(count(`${'not '.repeat(30)}${group('or')}`)).toBe(1);
      expect(count(`${'not '.repeat(30)}${group('and')}`)).toBe(0);
      expect(rejection(`${'not '.repeat(31)}${group('or')}`)).toBe('the filter is nested too deeply');
      expect(rejection(`${'not '.repeat(31)}${group('and')}`)).toBe('the filter is nested too deeply');
    });

    it('counts a value filter as a level', () => {
      expect(count(`${'not '.repeat(30)}emails[not value pr]`)).toBe(0);
      expect(rejection(`${'not '.repeat(31)}emails[not value pr]`)).toBe('the filter is nested too deeply');
    });
  });

  describe('malformed trees', () => {
    // The parser reads `a not (b)` as a "not" node holding two filters and no operand.
    it.each([
      'userName pr not (active eq true)',
      'userName pr or userName pr not (active eq true)',
      'userName pr and userName pr not (active eq true)',
      'not (userName pr not (active eq true))',
      'emails[value pr not (type pr)]',
      'emails[value pr] or userName pr not (active eq true)',
    ])('refuses %s as invalid SCIM instead of crashing', (filter) => {
      expect(rejection(filter)).toBe('the filter is not valid SCIM');
    });
  });

  describe('schema URNs', () => {
    // One URN may extend another: the longest prefix is the attribute's schema, whatever the order.
    const nested: FilterSchema = {
      schemaUrns: ['urn:x:core', 'urn:x:core:ext'],
      attributes: { name: { sql: 'u."name"', type: 'string', caseExact: true } },
      multiValued: {},
    };

    it('strips the longest matching URN', () => {
      const { sql } = compileFilter('urn:x:core:ext:name eq "a"', nested, 'sqlite', (d) => d);
      expect(sql).toBe('(u."name" IS NOT NULL AND u."name" = :scim_f0)');
    });
  });
});
