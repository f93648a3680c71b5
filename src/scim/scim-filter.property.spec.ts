import Database from 'better-sqlite3';
import fc from 'fast-check';
import { compileFilter, ScimFilterError } from './scim-filter';
import { USER_FILTER_SCHEMA } from './scim-query';
import { SCIM } from './scim-schema';

const CORE_USER = SCIM.user;

// CI replays one fixed seed so a merge is never decided by luck; local runs explore new inputs
// every time (fast-check prints the seed of any failure to replay it).
if (process.env.CI) fc.configureGlobal({ seed: 20261123 });

const schema = USER_FILTER_SCHEMA;

const sqliteDate = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');

// Few rows, but with NULLs, empty strings, wildcard characters and users with zero or several emails.
const users: [string, string, string | null, number, string][] = [
  ['a', 'ada@example.com', 'Ada', 1, '2024-01-01T00:00:00Z'],
  ['b', 'b_b%@example.org', null, 0, '2024-02-01T00:00:00Z'],
  ['c', 'c\\c@x.com', '', 1, '2024-03-01T12:30:00Z'],
  ['d', 'dee', 'DEE', 0, '2024-04-01T00:00:00Z'],
  ['e', 'e"e@example.com', 'e%_', 1, '2024-05-01T00:00:00Z'],
];
const emails: [string, string, string | null, number][] = [
  ['a', 'ada@example.com', 'work', 1],
  ['a', 'ada@home.org', 'home', 0],
  ['b', 'b@example.org', null, 1],
  ['c', 'c@x.com', 'work', 0],
  ['c', 'c2@x.com', '', 1],
];
const allIds = users.map(([id]) => id);

function createDatabase(): Database.Database {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE "scim_users" ("id" TEXT PRIMARY KEY, "userNameKey" TEXT NOT NULL, "displayName" TEXT,
      "active" BOOLEAN NOT NULL, "updatedAt" DATETIME NOT NULL, "userId" TEXT, "externalId" TEXT,
      "givenName" TEXT, "familyName" TEXT, "employeeNumber" TEXT, "createdAt" DATETIME);
    CREATE TABLE "scim_user_emails" ("scimUserId" TEXT NOT NULL, "valueKey" TEXT NOT NULL, "type" TEXT,
      "primary" BOOLEAN NOT NULL);
  `);
  const insertUser = db.prepare(
    'INSERT INTO "scim_users" ("id", "userId", "userNameKey", "displayName", "active", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const [id, userName, displayName, active, updatedAt] of users) {
    insertUser.run(id, id, userName, displayName, active, sqliteDate(new Date(updatedAt)));
  }
  const insertEmail = db.prepare('INSERT INTO "scim_user_emails" VALUES (?, ?, ?, ?)');
  for (const email of emails) insertEmail.run(...email);
  return db;
}

const mixedCase = (...words: string[]): fc.Arbitrary<string> => fc.mixedCase(fc.constantFrom(...words));
const stringValue = fc
  .oneof(fc.constantFrom('ada', 'A', '%', '_', '\\', '"', 'example', ''), fc.string({ maxLength: 4 }))
  .map((v) => JSON.stringify(v));
const booleanValue = fc.constantFrom('true', 'False', '"TRUE"', '"false"');
const dateValue = fc
  .date({ min: new Date('2023-12-01T00:00:00Z'), max: new Date('2024-06-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => `"${d.toISOString()}"`);
const stringOperator = mixedCase('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le');
const orderOperator = mixedCase('eq', 'ne', 'gt', 'ge', 'lt', 'le');
const equalityOperator = mixedCase('eq', 'ne');
const present = (attribute: fc.Arbitrary<string>) =>
  fc.tuple(attribute, mixedCase('pr')).map((p) => p.join(' '));
const comparison = (...parts: fc.Arbitrary<string>[]) => fc.tuple(...parts).map((p) => p.join(' '));

/** Comparisons on one email, as written inside `emails[...]`. */
const emailComparison = fc.oneof(
  comparison(mixedCase('value', 'type'), stringOperator, stringValue),
  comparison(mixedCase('primary'), equalityOperator, booleanValue),
  comparison(mixedCase('type'), equalityOperator, fc.constant('null')),
  present(mixedCase('value', 'type', 'primary')),
);

/** Filters that are valid for the schema, with every operator, attribute kind and nesting form. */
const { filter: anyValidFilter, emailFilter } = fc.letrec<{ filter: string; emailFilter: string }>((tie) => ({
  filter: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'filter' },
    comparison(
      mixedCase('userName', 'displayName', 'emails', 'emails.value', `${CORE_USER}:userName`),
      stringOperator,
      stringValue,
    ),
    comparison(mixedCase('active', 'emails.primary'), equalityOperator, booleanValue),
    comparison(mixedCase('meta.lastModified'), orderOperator, dateValue),
    comparison(mixedCase('displayName', 'emails.type'), equalityOperator, fc.constant('null')),
    present(mixedCase('userName', 'displayName', 'active', 'meta.lastModified', 'emails', 'emails.type')),
    tie('emailFilter').map((f) => `emails[${f}]`),
    fc.tuple(tie('emailFilter'), emailComparison).map(([f, c]) => `emails[${f}].${c}`),
    fc.tuple(tie('filter'), mixedCase('and', 'or'), tie('filter')).map((p) => p.join(' ')),
    tie('filter').map((f) => `not (${f})`),
    tie('filter').map((f) => `(${f})`),
  ),
  emailFilter: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'email' },
    emailComparison,
    fc.tuple(tie('emailFilter'), mixedCase('and', 'or'), tie('emailFilter')).map((p) => p.join(' ')),
    tie('emailFilter').map((f) => `not (${f})`),
  ),
}));

// At most 25 comparisons, so two joined by and/or stay within the limit of 50 (the count may be high,
// never low: operator words inside string values count too).
const validFilter = anyValidFilter.filter(
  (f) => (f.match(/\s(eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b/gi) ?? []).length <= 25,
);

/** Pieces of filters and near-misses, glued together at random. */
const fragment = fc.oneof(
  fc.constantFrom(
    'userName',
    'USERNAME',
    'emails',
    'emails.value',
    'Emails.Type',
    'active',
    'meta.lastModified',
    'displayName',
    `${CORE_USER}:userName`,
    `${CORE_USER}:emails`,
    'urn:x:y',
    'foo',
    'constructor',
    '__proto__',
    'value',
    'type',
    'primary',
  ),
  fc.constantFrom('eq', 'NE', 'co', 'Sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'xx'),
  fc.constantFrom('"x"', '"ADA@EXAMPLE.COM"', '"%_\\\\"', '"\\u0041"', '"', '"2024-01-01T00:00:00Z"', "'x'"),
  fc.constantFrom('true', 'False', 'null', '1', '-1.5e3', '007', '1e999'),
  fc.constantFrom('(', ')', '[', ']', '].', '].value', '.value', 'and', 'OR', 'not', 'Not'),
  fc.string({ maxLength: 3 }),
  validFilter,
);
const fragmentSoup = fc
  .tuple(fc.array(fragment, { maxLength: 12 }), fc.constantFrom(' ', ''))
  .map(([parts, separator]) => parts.join(separator));
const oneCharacterReplaced = fc
  .tuple(validFilter, fc.nat(), fc.string({ maxLength: 1 }))
  .map(([filter, position, replacement]) => {
    const at = position % (filter.length + 1);
    return filter.slice(0, at) + replacement + filter.slice(at + 1);
  });

describe('compileFilter (properties)', () => {
  let db: Database.Database;
  beforeAll(() => {
    db = createDatabase();
  });
  afterAll(() => db.close());

  function select(filter: string): string[] {
    const { sql, params } = compileFilter(filter, schema, 'sqlite', sqliteDate);
    const rows = db.prepare(`SELECT u."id" FROM "scim_users" u WHERE ${sql} ORDER BY u."id"`).all(params) as {
      id: string;
    }[];
    return rows.map((r) => r.id);
  }

  /** Compiles and runs, or throws ScimFilterError; anything else escapes and fails the property. */
  function selectOrReject(filter: string): void {
    try {
      select(filter);
    } catch (error) {
      if (!(error instanceof ScimFilterError)) throw error;
    }
  }

  it.each([
    ['ASCII strings', fc.string({ maxLength: 60 })],
    ['Unicode strings', fc.string({ unit: 'binary', maxLength: 60 })],
    ['fragments of filters', fragmentSoup],
    ['valid filters with one character replaced', oneCharacterReplaced],
  ])('%s compile to runnable SQL or throw ScimFilterError', (_, input) => {
    fc.assert(fc.property(input, selectOrReject), { numRuns: 500 });
  });

  it('compiles every valid filter, and not selects exactly the other users', () => {
    fc.assert(
      fc.property(validFilter, (filter) => {
        const selected = select(filter);
        expect(select(`not (${filter})`)).toEqual(allIds.filter((id) => !selected.includes(id)));
      }),
      { numRuns: 500 },
    );
  });

  it('and selects the intersection, or the union', () => {
    fc.assert(
      fc.property(validFilter, validFilter, (left, right) => {
        const l = select(left);
        const r = select(right);
        expect(select(`(${left}) and (${right})`)).toEqual(l.filter((id) => r.includes(id)));
        expect(select(`(${left}) or (${right})`)).toEqual(
          allIds.filter((id) => l.includes(id) || r.includes(id)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a sub-attribute after a value filter applies to the same email', () => {
    fc.assert(
      fc.property(emailFilter, emailComparison, (filter, sub) => {
        expect(select(`emails[${filter}].${sub}`)).toEqual(select(`emails[(${filter}) and ${sub}]`));
      }),
      { numRuns: 200 },
    );
  });
});
