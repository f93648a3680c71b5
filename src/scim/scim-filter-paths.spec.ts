// How the compiler resolves an attribute path to SQL: a column of the row, a multi-valued attribute
// as a whole, or one of its sub-attributes (pinned because mutation testing found these branches
// unpinned: the older specs only compared the rows such filters select).
import { compileFilter, ScimFilterError, type FilterSchema } from './scim-filter';
import { USER_FILTER_SCHEMA } from './scim-query';

const compileWith = (schema: FilterSchema, filter: string) =>
  compileFilter(filter, schema, 'sqlite', (d: Date) => d.toISOString());
const compile = (filter: string) => compileWith(USER_FILTER_SCHEMA, filter);

function rejection(schema: FilterSchema, filter: string): string {
  try {
    compileWith(schema, filter);
  } catch (error) {
    if (error instanceof ScimFilterError) return error.message;
    throw error; // a TypeError from a half-resolved path fails the test
  }
  throw new Error(`expected ${filter} to be rejected`);
}

const EMAILS = 'u."id" IN (SELECT e."scimUserId" FROM "scim_user_emails" e';

describe('multi-valued attributes as a whole', () => {
  it('pr asks for any element at all, with no condition on it', () => {
    expect(compile('emails pr')).toEqual({ sql: `${EMAILS})`, params: {} });
  });

  it("a comparison without a sub-attribute compares the element's value", () => {
    expect(compile('emails eq "A@X.ORG"')).toEqual({
      sql: `${EMAILS} WHERE (e."valueKey" IS NOT NULL AND e."valueKey" = :scim_f0))`,
      params: { scim_f0: 'a@x.org' },
    });
  });
});

describe('sub-attributes of a multi-valued attribute', () => {
  it('pr on a sub-attribute asks for an element where that sub-attribute is present', () => {
    expect(compile('emails.type pr')).toEqual({
      sql: `${EMAILS} WHERE (e."type" IS NOT NULL AND e."type" <> ''))`,
      params: {},
    });
    expect(compile('emails.primary pr').sql).toBe(`${EMAILS} WHERE (e."primary" IS NOT NULL))`);
  });

  it('a comparison on a sub-attribute compares that sub-attribute, not the value', () => {
    expect(compile('emails.type eq "Work"')).toEqual({
      sql: `${EMAILS} WHERE (e."type" IS NOT NULL AND e."type" = :scim_f0))`,
      params: { scim_f0: 'work' },
    });
  });

  it('the URN of the resource schema may precede the path', () => {
    expect(compile('urn:ietf:params:scim:schemas:core:2.0:User:emails.type eq "work"').sql).toBe(
      compile('emails.type eq "work"').sql,
    );
  });
});

describe('a multi-valued attribute without a value sub-attribute', () => {
  const schema: FilterSchema = {
    schemaUrns: [],
    attributes: {},
    multiValued: {
      tags: {
        table: '"tags"',
        alias: 't',
        outerKey: 'u."id"',
        innerKey: 't."userId"',
        subAttributes: { name: { sql: 't."name"', type: 'string', caseExact: true } },
      },
    },
  };

  it('can only be compared through a sub-attribute', () => {
    expect(rejection(schema, 'tags eq "x"')).toBe('"tags" can only be compared through a sub-attribute');
  });

  it('is still present or not as a whole, and comparable through its sub-attributes', () => {
    expect(compileWith(schema, 'tags pr').sql).toBe('u."id" IN (SELECT t."userId" FROM "tags" t)');
    expect(compileWith(schema, 'tags.name eq "x"').sql).toBe(
      'u."id" IN (SELECT t."userId" FROM "tags" t WHERE (t."name" IS NOT NULL AND t."name" = :scim_f0))',
    );
  });

  it('an unknown sub-attribute, or a dot after a single-valued name, is an unknown attribute', () => {
    expect(rejection(schema, 'tags.colour pr')).toBe('unknown attribute "tags.colour" in filter');
    expect(rejection(schema, 'tags.colour eq "red"')).toBe('unknown attribute "tags.colour" in filter');
    expect(rejection(USER_FILTER_SCHEMA, 'userName.value eq "x"')).toBe(
      'unknown attribute "userName.value" in filter',
    );
    expect(rejection(USER_FILTER_SCHEMA, 'nothing.value pr')).toBe(
      'unknown attribute "nothing.value" in filter',
    );
  });
});

describe('logical operators and the paths errors name', () => {
  const USER_NAME_PR = `(u."userNameKey" IS NOT NULL AND u."userNameKey" <> '')`;

  it('joins and/or in upper case SQL around the parts, in order', () => {
    expect(compile('userName pr and active pr').sql).toBe(`(${USER_NAME_PR} AND (u."active" IS NOT NULL))`);
    expect(compile('userName pr OR active pr').sql).toBe(`(${USER_NAME_PR} OR (u."active" IS NOT NULL))`);
  });

  it('a value filter on a single-valued attribute says so; on an unknown one, that it is unknown', () => {
    expect(rejection(USER_FILTER_SCHEMA, 'active[value pr]')).toBe(
      '"active" is not multi-valued, so it cannot have a value filter',
    );
    expect(rejection(USER_FILTER_SCHEMA, 'nosuch[value pr]')).toBe('unknown attribute "nosuch" in filter');
  });

  it("a wrong value inside a value filter names the element's full path", () => {
    expect(rejection(USER_FILTER_SCHEMA, 'emails[primary eq "x"]')).toBe(
      '"emails.primary" must be compared with true or false',
    );
    expect(rejection(USER_FILTER_SCHEMA, 'emails[type eq 5]')).toBe(
      '"emails.type" must be compared with a string',
    );
  });
});
