import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { compileFilter, ScimFilterError } from './scim-filter';
import { USER_FILTER_SCHEMA } from './scim-query';
import { SCIM } from './scim-schema';

// The schema the service uses, so these tests pin what SCIM clients get.
const userSchema = USER_FILTER_SCHEMA;
const CORE_USER = SCIM.user;
const ENTERPRISE_USER = SCIM.enterpriseUser;

/** How TypeORM stores a datetime in SQLite. */
const sqliteDate = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');

interface UserRow {
  id: string;
  userNameKey: string;
  externalId: string | null;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  employeeNumber: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  emails: { valueKey: string; type: string | null; primary: boolean }[];
}

const users: UserRow[] = [
  {
    id: 'ada',
    userNameKey: 'ada@example.com',
    externalId: 'ADA-1',
    displayName: 'Ada Lovelace',
    givenName: 'Ada',
    familyName: 'Lovelace',
    employeeNumber: '1001',
    active: true,
    createdAt: '2020-01-01T00:00:00Z',
    updatedAt: '2024-01-10T08:00:00Z',
    emails: [
      { valueKey: 'ada@example.com', type: 'work', primary: true },
      { valueKey: 'ada@home.org', type: 'home', primary: false },
    ],
  },
  {
    id: 'bob',
    userNameKey: 'bob@example.com',
    externalId: 'bob-2',
    displayName: null,
    givenName: 'Bob',
    familyName: 'Builder',
    employeeNumber: null,
    active: false,
    createdAt: '2021-06-15T12:00:00Z',
    updatedAt: '2024-02-01T00:00:00Z',
    // The work address is elsewhere, the example.com one is private: tells "same element" apart.
    emails: [
      { valueKey: 'bob@other.org', type: 'work', primary: true },
      { valueKey: 'bob@example.com', type: 'home', primary: false },
    ],
  },
  {
    id: 'cy',
    userNameKey: 'cy_50%@example.com',
    externalId: 'Cy-3',
    displayName: 'Cy',
    givenName: 'Cy',
    familyName: 'Young',
    employeeNumber: '1003',
    active: true,
    createdAt: '2022-03-01T00:00:00Z',
    updatedAt: '2024-03-01T00:00:00Z',
    emails: [{ valueKey: 'cy_50%@example.com', type: 'work', primary: true }],
  },
  {
    // Matches `_` and `%` used as wildcards instead of literals.
    id: 'cyx',
    userNameKey: 'cyx50@example.com',
    externalId: null,
    displayName: 'Cyx',
    givenName: null,
    familyName: null,
    employeeNumber: null,
    active: true,
    createdAt: '2022-03-02T00:00:00Z',
    updatedAt: '2024-03-02T00:00:00Z',
    emails: [],
  },
  {
    id: 'dee',
    userNameKey: 'dee@example.org',
    externalId: null,
    displayName: '',
    givenName: 'Dee',
    familyName: null,
    employeeNumber: null,
    active: true,
    createdAt: '2023-01-01T00:00:00Z',
    updatedAt: '2024-04-01T00:00:00Z',
    emails: [{ valueKey: 'dee@example.org', type: 'home', primary: true }],
  },
  {
    id: 'eve',
    userNameKey: 'eve@example.com',
    externalId: 'eve',
    displayName: 'EVE',
    givenName: 'Eve',
    familyName: 'Smith',
    employeeNumber: '2002',
    active: false,
    createdAt: '2023-05-05T00:00:00Z',
    updatedAt: '2024-05-05T00:00:00Z',
    // Sent as Eve.Smith@Example.COM, kept lower-cased.
    emails: [{ valueKey: 'eve.smith@example.com', type: 'work', primary: true }],
  },
  {
    id: 'gus',
    userNameKey: 'gus@example.net',
    externalId: 'GUS',
    displayName: 'Gus',
    givenName: 'Gus',
    familyName: null,
    employeeNumber: null,
    active: true,
    createdAt: '2023-07-07T00:00:00Z',
    updatedAt: '2024-06-06T00:00:00Z',
    emails: [],
  },
  {
    id: 'hal',
    userNameKey: 'hal\\9000@example.com',
    externalId: 'HAL-9000',
    displayName: 'Hal',
    givenName: 'Hal',
    familyName: null,
    employeeNumber: '9000',
    active: true,
    createdAt: '2023-09-09T00:00:00Z',
    updatedAt: '2024-07-07T00:00:00Z',
    emails: [{ valueKey: 'hal@example.com', type: null, primary: false }],
  },
];
const allIds = users.map((u) => u.id).sort();
const allBut = (...ids: string[]): string[] => allIds.filter((id) => !ids.includes(id));

function createDatabase(): Database.Database {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE "scim_users" ("id" TEXT PRIMARY KEY, "userId" TEXT NOT NULL, "userNameKey" TEXT NOT NULL, "externalId" TEXT,
      "displayName" TEXT, "givenName" TEXT, "familyName" TEXT, "employeeNumber" TEXT,
      "active" BOOLEAN NOT NULL, "createdAt" DATETIME NOT NULL, "updatedAt" DATETIME NOT NULL);
    CREATE TABLE "scim_user_emails" ("id" INTEGER PRIMARY KEY, "scimUserId" TEXT NOT NULL,
      "valueKey" TEXT NOT NULL, "type" TEXT, "primary" BOOLEAN NOT NULL);
  `);
  const insertUser = db.prepare(
    `INSERT INTO "scim_users" VALUES (@id, @id, @userNameKey, @externalId, @displayName, @givenName, @familyName,
      @employeeNumber, @active, @createdAt, @updatedAt)`,
  );
  const insertEmail = db.prepare(
    `INSERT INTO "scim_user_emails" ("scimUserId", "valueKey", "type", "primary") VALUES (?, ?, ?, ?)`,
  );
  for (const { emails, ...user } of users) {
    insertUser.run({
      ...user,
      active: user.active ? 1 : 0,
      createdAt: sqliteDate(new Date(user.createdAt)),
      updatedAt: sqliteDate(new Date(user.updatedAt)),
    });
    for (const email of emails) insertEmail.run(user.id, email.valueKey, email.type, email.primary ? 1 : 0);
  }
  return db;
}

describe('compileFilter', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = createDatabase();
  });
  afterAll(() => db.close());

  /** The ids of the users the filter selects on SQLite. */
  function select(filter: string): string[] {
    const { sql, params } = compileFilter(filter, userSchema, 'sqlite', sqliteDate);
    const rows = db.prepare(`SELECT u."id" FROM "scim_users" u WHERE ${sql} ORDER BY u."id"`).all(params) as {
      id: string;
    }[];
    return rows.map((r) => r.id);
  }

  function compileError(filter: string): ScimFilterError {
    try {
      compileFilter(filter, userSchema, 'sqlite', sqliteDate);
    } catch (error) {
      if (error instanceof ScimFilterError) return error;
      throw error;
    }
    throw new Error(`expected ${filter} to be rejected`);
  }

  describe('string comparisons', () => {
    it.each([
      ['userName eq "ada@example.com"', ['ada']],
      ['userName ne "ada@example.com"', allBut('ada')],
      ['userName co "example.com"', ['ada', 'bob', 'cy', 'cyx', 'eve', 'hal']],
      ['userName sw "B"', ['bob']],
      ['userName ew ".ORG"', ['dee']],
      ['userName gt "e"', ['eve', 'gus', 'hal']],
      ['userName ge "eve@example.com"', ['eve', 'gus', 'hal']],
      ['userName lt "c"', ['ada', 'bob']],
      ['userName le "bob@example.com"', ['ada', 'bob']],
    ])('%s', (filter, expected) => {
      expect(select(filter)).toEqual(expected);
    });

    it('treats operators and attribute names case-insensitively, values of caseExact:false columns too', () => {
      expect(select('USERNAME Eq "ADA@EXAMPLE.COM"')).toEqual(['ada']);
      expect(select('userName EQ "Bob@Example.com" Or UserName sW "CY_"')).toEqual(['bob', 'cy']);
    });

    it('matches %, _ and \\ literally in co, sw and ew', () => {
      expect(select('userName co "_50%"')).toEqual(['cy']);
      expect(select('userName sw "cy_"')).toEqual(['cy']);
      expect(select('userName ew "%@example.com"')).toEqual(['cy']);
      expect(select('userName co "l\\\\9"')).toEqual(['hal']);
    });

    it('compares caseExact columns case-sensitively on SQLite', () => {
      expect(select('displayName co "love"')).toEqual([]);
      expect(select('displayName co "Love"')).toEqual(['ada']);
      expect(select('externalId sw "ada"')).toEqual([]);
      expect(select('externalId sw "ADA"')).toEqual(['ada']);
      expect(select('externalId ew "-1"')).toEqual(['ada']);
      expect(select('externalId ew "XADA-1"')).toEqual([]);
      expect(select('externalId eq "EVE"')).toEqual([]);
      expect(select('externalId eq "eve"')).toEqual(['eve']);
    });

    it('decodes JSON escapes in string values', () => {
      expect(select('name.givenName eq "\\u0041da"')).toEqual(['ada']);
    });

    it('finds nobody for the connection test Entra ID sends', () => {
      expect(select(`userName eq "${randomUUID()}"`)).toEqual([]);
    });

    it('binds values instead of writing them into the SQL', () => {
      const injection = `x' OR 1=1 OR 'x' = 'x`;
      const { sql, params } = compileFilter(`userName eq "${injection}"`, userSchema, 'sqlite', sqliteDate);
      expect(sql).not.toContain('OR 1=1');
      expect(params).toEqual({ scim_f0: injection.toLowerCase() });
      expect(select(`userName eq "${injection}"`)).toEqual([]);
    });

    it('names parameters scim_f0, scim_f1, ... in order', () => {
      const { sql, params } = compileFilter(
        'userName eq "a" or externalId sw "b" or active eq true',
        userSchema,
        'sqlite',
        sqliteDate,
      );
      expect(params).toEqual({ scim_f0: 'a', scim_f1: 'b', scim_f2: 1 });
      expect(sql).toContain(':scim_f2');
    });
  });

  describe('absent values', () => {
    it('pr needs a non-empty value', () => {
      expect(select('displayName pr')).toEqual(allBut('bob', 'dee'));
      expect(select('externalId PR')).toEqual(allBut('cyx', 'dee'));
    });

    it('ne matches users without the attribute', () => {
      expect(select('displayName ne "Cy"')).toEqual(allBut('cy'));
    });

    it('not also matches users without the attribute', () => {
      expect(select('not (displayName eq "Cy")')).toEqual(allBut('cy'));
      expect(select('not (displayName pr)')).toEqual(['bob', 'dee']);
      expect(select('not (name.familyName sw "S")')).toEqual(allBut('eve'));
    });

    it('eq null and ne null test for absence and presence', () => {
      expect(select('externalId eq null')).toEqual(['cyx', 'dee']);
      expect(select('externalId ne NULL')).toEqual(allBut('cyx', 'dee'));
    });
  });

  describe('booleans', () => {
    it.each([
      ['active eq true', ['ada', 'cy', 'cyx', 'dee', 'gus', 'hal']],
      ['active eq false', ['bob', 'eve']],
      ['active Eq TRUE', ['ada', 'cy', 'cyx', 'dee', 'gus', 'hal']],
      ['active eq "False"', ['bob', 'eve']],
      ['active ne true', ['bob', 'eve']],
      ['active pr', allIds],
    ])('%s', (filter, expected) => {
      expect(select(filter)).toEqual(expected);
    });
  });

  describe('date-times', () => {
    it.each([
      ['meta.lastModified gt "2024-02-01T00:00:00Z"', ['cy', 'cyx', 'dee', 'eve', 'gus', 'hal']],
      ['meta.lastModified ge "2024-02-01T00:00:00Z"', ['bob', 'cy', 'cyx', 'dee', 'eve', 'gus', 'hal']],
      ['meta.lastModified lt "2024-02-01T00:00:00.001Z"', ['ada', 'bob']],
      ['meta.lastModified le "2024-01-10T08:00:00Z"', ['ada']],
      ['meta.lastModified eq "2024-02-01T01:00:00+01:00"', ['bob']],
      ['meta.lastModified ne "2024-02-01T00:00:00Z"', allBut('bob')],
      ['meta.created lt "2021-01-01"', ['ada']],
      // No offset: UTC, whatever the server's time zone.
      ['meta.created eq "2021-06-15T12:00:00"', ['bob']],
      ['Meta.LastModified GT "2024-06-06t00:00:00z"', ['hal']],
    ])('%s', (filter, expected) => {
      expect(select(filter)).toEqual(expected);
    });
  });

  describe('schema URNs', () => {
    it('strips the URN of the core and enterprise schemas, in any case', () => {
      expect(select(`${CORE_USER}:userName eq "bob@example.com"`)).toEqual(['bob']);
      expect(select(`${CORE_USER.toUpperCase()}:name.familyName eq "Lovelace"`)).toEqual(['ada']);
      expect(select(`${ENTERPRISE_USER}:employeeNumber eq "2002"`)).toEqual(['eve']);
      expect(select(`${CORE_USER}:emails[type eq "work"]`)).toEqual(['ada', 'bob', 'cy', 'eve']);
    });

    it('rejects the URN of another schema', () => {
      expect(compileError('urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x"').message).toBe(
        'unknown attribute "urn:ietf:params:scim:schemas:core:2.0:Group:displayName" in filter',
      );
    });
  });

  describe('logical operators', () => {
    it('binds and tighter than or', () => {
      expect(select('active eq false or userName sw "a" and active eq true')).toEqual(['ada', 'bob', 'eve']);
      expect(select('(active eq false or userName sw "a") and active eq true')).toEqual(['ada']);
    });

    it('applies not to the following expression only', () => {
      expect(select('not (active eq true) and not (userName sw "b")')).toEqual(['eve']);
      expect(select('NOT (userName sw "a" Or active EQ false)')).toEqual(['cy', 'cyx', 'dee', 'gus', 'hal']);
    });

    it('accepts redundant parentheses', () => {
      expect(select('((userName sw "a")) or ((((userName sw "b"))))')).toEqual(['ada', 'bob']);
    });
  });

  describe('multi-valued emails', () => {
    it.each([
      ['emails eq "EVE.SMITH@EXAMPLE.COM"', ['eve']],
      ['emails co "@example.com"', ['ada', 'bob', 'cy', 'eve', 'hal']],
      ['emails.value ew "home.org"', ['ada']],
      ['emails.type eq "work"', ['ada', 'bob', 'cy', 'eve']],
      ['EMAILS[TYPE EQ "WORK"]', ['ada', 'bob', 'cy', 'eve']],
      ['emails[type ne "work"]', ['ada', 'bob', 'dee', 'hal']],
      ['emails[primary eq true and type eq "home"]', ['dee']],
      ['emails[not (type eq "work")]', ['ada', 'bob', 'dee', 'hal']],
      ['emails pr', ['ada', 'bob', 'cy', 'dee', 'eve', 'hal']],
      ['not (emails pr)', ['cyx', 'gus']],
      ['emails[type eq "work"].value pr', ['ada', 'bob', 'cy', 'eve']],
    ])('%s', (filter, expected) => {
      expect(select(filter)).toEqual(expected);
    });

    it('requires all conditions of a value filter to hold on the same email', () => {
      expect(select('emails[type eq "work" and value co "@example.com"]')).toEqual(['ada', 'cy', 'eve']);
      expect(select('emails[type eq "work"].value co "@example.com"')).toEqual(['ada', 'cy', 'eve']);
      // Separate conditions may hold on different emails.
      expect(select('emails.type eq "work" and emails.value co "@example.com"')).toEqual([
        'ada',
        'bob',
        'cy',
        'eve',
      ]);
    });

    it('combines value paths with other conditions', () => {
      expect(select('emails[type eq "work"].value co "@example.com" and active eq false')).toEqual(['eve']);
      expect(select('not (emails[type eq "work"]) or userName sw "ada"')).toEqual([
        'ada',
        'cyx',
        'dee',
        'gus',
        'hal',
      ]);
    });
  });

  describe('errors', () => {
    it.each([
      ['foo eq "x"', 'unknown attribute "foo" in filter'],
      ['constructor eq "x"', 'unknown attribute "constructor" in filter'],
      ['emails.foo eq "x"', 'unknown attribute "emails.foo" in filter'],
      ['emails[foo eq "x"]', 'unknown attribute "emails.foo" in filter'],
      ['name.middleName pr', 'unknown attribute "name.middleName" in filter'],
    ])('%s names the unknown attribute', (filter, message) => {
      expect(compileError(filter).message).toBe(message);
    });

    it.each([
      ['active co "t"', '"active" is a boolean and only supports eq and ne'],
      ['active gt true', '"active" is a boolean and only supports eq and ne'],
      ['active eq 1', '"active" must be compared with true or false'],
      ['active eq "yes"', '"active" must be compared with true or false'],
      ['meta.lastModified gt "yesterday"', '"meta.lastModified" must be compared with an ISO 8601 date-time'],
      [
        'meta.lastModified gt "2024-02-30T00:00:00Z"',
        '"meta.lastModified" must be compared with an ISO 8601 date-time',
      ],
      ['meta.lastModified gt 1700000000', '"meta.lastModified" must be compared with an ISO 8601 date-time'],
      ['meta.lastModified sw "2024"', '"meta.lastModified" is a date-time and does not support "sw"'],
      ['userName eq 5', '"userName" must be compared with a string'],
      ['userName eq true', '"userName" must be compared with a string'],
      ['userName gt null', '"userName" cannot be compared with null using "gt"'],
      ['userName[value eq "ada"]', '"userName" is not multi-valued, so it cannot have a value filter'],
      ['emails[value[type eq "x"]]', 'value filters cannot be nested ("emails[...]")'],
    ])('rejects the wrong operator or value type: %s', (filter, message) => {
      expect(compileError(filter).message).toMatch(message);
    });

    it.each([
      '',
      'userName eq',
      '(',
      'userName xx "a"',
      'emails[type eq "work"',
      'emails[type eq "work"].value',
      'emails[type eq "work"].',
      'userName eq "unterminated',
      'userName eq "a" )',
      'userName eq "bad \\x escape"',
      "userName eq 'single quotes'",
      'userName eq "a" and',
    ])('rejects invalid syntax: %s', (filter) => {
      expect(compileError(filter).message).toMatch(/^the filter is not valid SCIM/);
    });

    it.each(['eq eq true not (active eq true)', 'active eq true not (userName pr)'])(
      'rejects a trailing expression the parser leaves a hole for: %s',
      (filter) => {
        expect(compileError(filter).message).toMatch(/^the filter is not valid SCIM/);
      },
    );

    // The parser takes a name of Object.prototype between two comparisons for their logical
    // operator (found by the property suite: a TypeError, not a 400, before the tree was checked).
    it.each(['__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'])(
      'rejects %s where "and" or "or" belongs',
      (word) => {
        expect(
          compileError(`displayName eq null ${word} meta.lastModified eq "2023-12-01T00:00:00.000Z"`).message,
        ).toMatch(/^the filter is not valid SCIM/);
      },
    );

    it('limits the length, the number of comparisons and the nesting', () => {
      expect(compileError(`userName eq "${'a'.repeat(4096)}"`).message).toMatch(/longer than 4096/);
      const comparisons = (n: number): string =>
        Array.from({ length: n }, (_, i) => `userName eq "${i}"`).join(' or ');
      expect(select(comparisons(50))).toEqual([]);
      expect(compileError(comparisons(51)).message).toMatch(/more than 50 comparisons/);
      const nested = (n: number): string => `${'('.repeat(n)}userName pr${')'.repeat(n)}`;
      expect(select(nested(32))).toEqual(allIds);
      expect(compileError(nested(33)).message).toMatch(/nested too deeply/);
      expect(compileError(`${'not '.repeat(40)}userName pr`).message).toMatch(/nested too deeply/);
    });
  });

  describe('PostgreSQL dialect', () => {
    const compilePostgres = (filter: string) => compileFilter(filter, userSchema, 'postgres', (d) => d);

    it('uses LIKE with escaped wildcards for case-exact substring matches', () => {
      const { sql, params } = compilePostgres('displayName co "50%_\\\\"');
      expect(sql).toBe(`(u."displayName" IS NOT NULL AND u."displayName" LIKE :scim_f0 ESCAPE '\\')`);
      expect(params).toEqual({ scim_f0: '%50\\%\\_\\\\%' });
    });

    it('ids are lower-case UUIDs: equality with a non-UUID matches nothing, ordering and substrings compare text', () => {
      const id = '0F8FAD5B-D9CB-469F-A165-70867728950E';
      const equal = compilePostgres(`id eq "${id}"`);
      expect(equal.sql).toContain('u."userId" = :scim_f0');
      expect(equal.params).toEqual({ scim_f0: id.toLowerCase() });
      expect(compilePostgres('id eq "ada"')).toEqual({ sql: '(1 = 0)', params: {} });
      expect(compilePostgres('id ne "ada"')).toEqual({ sql: '(1 = 1)', params: {} });
      expect(compilePostgres(`id ne "${id}"`).sql).toContain('u."userId" <> :scim_f0');
      const ordered = compilePostgres('id gt "0F8F"');
      expect(ordered.sql).toContain('CAST(u."userId" AS text) > :scim_f0');
      expect(ordered.params).toEqual({ scim_f0: '0f8f' });
      expect(compilePostgres('id sw "0F8F"')).toEqual({
        sql: `(CAST(u."userId" AS text) IS NOT NULL AND CAST(u."userId" AS text) LIKE :scim_f0 ESCAPE '\\')`,
        params: { scim_f0: '0f8f%' },
      });
      // Every substring operator compares the text form (LIKE on a uuid column would not run).
      const text = `(CAST(u."userId" AS text) IS NOT NULL AND CAST(u."userId" AS text) LIKE :scim_f0 ESCAPE '\\')`;
      expect(compilePostgres('id ew "950E"')).toEqual({ sql: text, params: { scim_f0: '%950e' } });
      expect(compilePostgres('id co "950E"')).toEqual({ sql: text, params: { scim_f0: '%950e%' } });
      expect(() => compilePostgres('id eq 42')).toThrow('"id" must be compared with a string');
    });

    it('only a whole UUID is one: anything around it, or a non-hex digit, matches nothing', () => {
      const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
      for (const notOne of [`x${id}`, `${id}x`, `z${id.slice(1)}`, `0-${id.slice(9)}`])
        expect(compilePostgres(`id eq "${notOne}"`).sql).toBe('(1 = 0)');
    });

    it('date-times: real calendar dates and clock times only; no offset means UTC; T or space, any case', () => {
      const at = (value: string) => compilePostgres(`meta.created gt "${value}"`).params.scim_f0;
      for (const invalid of [
        '2024-00-10',
        '2024-13-01',
        '2024-01-00',
        '2023-02-29',
        '2024-04-31',
        '2024-01-01T24:00:00Z',
        '2024-01-01T23:60:00Z',
        '2024-01-01T23:59:60Z',
        'x2024-01-01',
        '2024-01-01x',
        '2024-01-01T10:00:00+25:00',
      ])
        expect(() => at(invalid)).toThrow('must be compared with an ISO 8601 date-time');
      expect(at('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
      expect(at('2024-12-31T23:59:59Z')).toEqual(new Date('2024-12-31T23:59:59Z'));
      expect(at('2024-01-31t10:00:00z')).toEqual(new Date('2024-01-31T10:00:00Z'));
      expect(at('2024-01-31 10:00:00')).toEqual(new Date('2024-01-31T10:00:00Z'));
      expect(at('2024-01-31T10:00')).toEqual(new Date('2024-01-31T10:00:00Z'));
      expect(at('2024-01-31T10:00:00+02:00')).toEqual(new Date('2024-01-31T08:00:00Z'));
    });

    it('ids on SQLite: substrings by plain string functions, the text as stored', () => {
      const { sql, params } = compileFilter('id ew "950E"', userSchema, 'sqlite', (d) => d);
      expect(sql).toBe(
        '(u."userId" IS NOT NULL AND length(u."userId") >= length(:scim_f0) AND substr(u."userId", length(u."userId") - length(:scim_f0) + 1) = :scim_f0)',
      );
      expect(params).toEqual({ scim_f0: '950e' });
    });

    it('binds booleans as true/false and date-times as formatDate returns them', () => {
      expect(compilePostgres('active eq "TRUE"').params).toEqual({ scim_f0: true });
      expect(compilePostgres('emails[primary eq false]').params).toEqual({ scim_f0: false });
      expect(compilePostgres('meta.created gt "2024-01-01T00:00:00Z"').params).toEqual({
        scim_f0: new Date('2024-01-01T00:00:00Z'),
      });
    });
  });
});
