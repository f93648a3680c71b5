import { DataSource, EntityManager, In, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { inChunks } from '../database/chunks';
import type { Transactions } from '../database/transactions.service';
import { invalidValue, scimError } from './scim-error';
import { compileFilter, FilterSchema, ScimFilterError } from './scim-filter';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SCIM } from './scim-schema';
import { parseAttributeList } from './scim-projection';
import { ScimUser } from './scim-user.entity';

export const USER_FILTER_SCHEMA: FilterSchema = {
  schemaUrns: [SCIM.user, SCIM.enterpriseUser],
  attributes: {
    id: { sql: 'u."userId"', type: 'uuid', caseExact: true },
    username: { sql: 'u."userNameKey"', type: 'string', caseExact: false },
    externalid: { sql: 'u."externalId"', type: 'string', caseExact: true },
    displayname: { sql: 'u."displayName"', type: 'string', caseExact: true },
    'name.givenname': { sql: 'u."givenName"', type: 'string', caseExact: true },
    'name.familyname': { sql: 'u."familyName"', type: 'string', caseExact: true },
    employeenumber: { sql: 'u."employeeNumber"', type: 'string', caseExact: true },
    active: { sql: 'u."active"', type: 'boolean', caseExact: true },
    'meta.created': { sql: 'u."createdAt"', type: 'datetime', caseExact: true },
    'meta.lastmodified': { sql: 'u."updatedAt"', type: 'datetime', caseExact: true },
  },
  multiValued: {
    emails: {
      table: '"scim_user_emails"',
      alias: 'e',
      outerKey: 'u."id"',
      innerKey: 'e."scimUserId"',
      subAttributes: {
        value: { sql: 'e."valueKey"', type: 'string', caseExact: false },
        type: { sql: 'e."type"', type: 'string', caseExact: false },
        primary: { sql: 'e."primary"', type: 'boolean', caseExact: true },
      },
    },
  },
};

export const GROUP_FILTER_SCHEMA: FilterSchema = {
  schemaUrns: [SCIM.group],
  attributes: {
    id: { sql: 'g."id"', type: 'uuid', caseExact: true },
    displayname: { sql: 'g."displayNameKey"', type: 'string', caseExact: false },
    externalid: { sql: 'g."externalId"', type: 'string', caseExact: true },
    'meta.created': { sql: 'g."createdAt"', type: 'datetime', caseExact: true },
    'meta.lastmodified': { sql: 'g."updatedAt"', type: 'datetime', caseExact: true },
  },
  multiValued: {
    members: {
      table: '"scim_group_members"',
      alias: 'm',
      outerKey: 'g."id"',
      innerKey: 'm."scimGroupId"',
      subAttributes: { value: { sql: 'm."userId"', type: 'uuid', caseExact: true } },
    },
  },
};

/** `startIndex` (1-based) and `count` as RFC 7644 3.4.2.4 defines them; junk is a 400. */
function pageOf(query: Record<string, unknown>): { startIndex: number; count: number } {
  const int = (name: string, fallback: number) => {
    const raw = query[name];
    if (raw === undefined || raw === '') return fallback;
    if (typeof raw !== 'string' || !/^-?\d{1,9}$/.test(raw)) throw invalidValue(`${name} must be an integer`);
    return Number(raw);
  };
  return {
    startIndex: Math.max(1, int('startIndex', 1)),
    count: Math.min(MAX_PAGE_SIZE, Math.max(0, int('count', DEFAULT_PAGE_SIZE))),
  };
}

/** Adds the compiled SCIM filter to a tenant- and IdP-scoped query. */
function applyFilter<T extends ObjectLiteral>(
  dataSource: DataSource,
  qb: SelectQueryBuilder<T>,
  filter: unknown,
  schema: FilterSchema,
): void {
  if (filter === undefined || filter === '') return;
  if (typeof filter !== 'string') throw scimError('invalidFilter', 'filter must be a string');
  const postgres = dataSource.options.type === 'postgres';
  try {
    const { sql, params } = compileFilter(filter, schema, postgres ? 'postgres' : 'sqlite', (d) =>
      // TypeORM keeps SQLite datetimes as UTC 'YYYY-MM-DD HH:MM:SS.SSS' text; PostgreSQL takes a Date.
      postgres ? d : d.toISOString().replace('T', ' ').replace('Z', ''),
    );
    qb.andWhere(`(${sql})`, params);
  } catch (error) {
    if (error instanceof ScimFilterError) throw scimError('invalidFilter', error.message);
    throw error;
  }
}

/**
 * Locks the users a group write touches (PostgreSQL, in id order: two writes cannot deadlock) and
 * answers which of `joining` this IdP's SCIM client provisioned, in one statement; SQLite's queued
 * single writer needs no lock, so it only reads the latter.
 */
export async function lockProvisioned(
  em: EntityManager,
  tx: Transactions,
  idpId: string,
  touched: string[],
  joining: string[],
): Promise<Set<string>> {
  if (tx.dialect !== 'postgres') return provisionedUserIds(em, idpId, joining);
  if (touched.length === 0) return new Set();
  const rows: { id: string; provisioned: boolean }[] = await em.query(
    `SELECT u."id" AS "id",
            EXISTS (SELECT 1 FROM "scim_users" s WHERE s."idpId" = $2 AND s."userId" = u."id") AS "provisioned"
       FROM "users" u WHERE u."id" = ANY($1::uuid[]) ORDER BY u."id" FOR NO KEY UPDATE OF u`,
    [[...touched].sort(), idpId],
  );
  const joiningIds = new Set(joining);
  return new Set(rows.filter((r) => r.provisioned && joiningIds.has(r.id)).map((r) => r.id));
}

/** Users of the tenant provisioned through this IdP's SCIM client, among `ids`. */
async function provisionedUserIds(em: EntityManager, idpId: string, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of inChunks(ids)) {
    const rows = await em.find(ScimUser, {
      // The IdP belongs to the tenant, and (idpId, userId) is the unique index this should use.
      where: { idpId, userId: In(chunk) },
      select: { userId: true },
    });
    for (const r of rows) found.add(r.userId);
  }
  return found;
}

/**
 * One page of a resource's list (RFC 7644 3.4.2): the filter on the tenant- and IdP-scoped query,
 * the total, then the page in creation order; `render` turns the page's rows into resources.
 */
export async function listPage<T extends ObjectLiteral>(
  dataSource: DataSource,
  qb: SelectQueryBuilder<T>,
  query: Record<string, unknown>,
  schema: FilterSchema,
  render: (rows: T[], attributes: string[] | null, excluded: string[] | null) => Promise<unknown[]>,
) {
  const { startIndex, count } = pageOf(query);
  const attributes = parseAttributeList(query.attributes, 'attributes');
  const excluded = parseAttributeList(query.excludedAttributes, 'excludedAttributes');
  applyFilter(dataSource, qb, query.filter, schema);
  const totalResults = await qb.getCount();
  const alias = qb.alias;
  const rows =
    count === 0
      ? []
      : await qb
          .orderBy(`${alias}.createdAt`, 'ASC')
          .addOrderBy(`${alias}.id`, 'ASC')
          .skip(startIndex - 1)
          .take(count)
          .getMany();
  return {
    schemas: [SCIM.listResponse],
    totalResults,
    startIndex,
    itemsPerPage: rows.length,
    Resources: await render(rows, attributes, excluded),
  };
}
