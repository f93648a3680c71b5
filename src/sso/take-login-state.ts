import type { DataSource } from 'typeorm';
import { insertRows } from '../database/insert';
import { SsoLoginState } from './sso-login-state.entity';

/** The columns of a login state a sign-in reads back when it takes the row. */
const COLUMNS = [
  'id',
  'tenantId',
  'idpId',
  'stateHash',
  'bindingHash',
  'nonce',
  'codeVerifier',
  'returnTo',
  'testSignInId',
  'createdAt',
  'expiresAt',
] as const;

type RawTime = Date | string;
type RawRow = Omit<SsoLoginState, 'createdAt' | 'expiresAt' | 'idp'> & {
  createdAt: RawTime;
  expiresAt: RawTime;
};

/** A timestamp as RETURNING gives it: a Date (PostgreSQL) or SQLite's UTC 'YYYY-MM-DD HH:MM:SS.SSS'. */
const asDate = (v: RawTime) =>
  v instanceof Date ? v : new Date(v.includes('T') ? v : `${v.replace(' ', 'T')}Z`);

/**
 * Reads and deletes a login state in one statement (DELETE ... RETURNING, on both dialects): the
 * row is used once whatever happens next, and two posts of one response cannot both find it.
 * Null when no such row exists (never made, used, or purged); an expired row is taken and returned,
 * the caller refuses it.
 */
export async function takeLoginState(
  dataSource: DataSource,
  where: { stateHash: string; idpId: string; tenantId: string },
): Promise<SsoLoginState | null> {
  const pg = dataSource.options.type === 'postgres';
  const [p1, p2, p3] = pg ? ['$1', '$2', '$3'] : ['?', '?', '?'];
  const rows = (await dataSource.query(
    `DELETE FROM "sso_login_states" WHERE "stateHash" = ${p1} AND "idpId" = ${p2} AND "tenantId" = ${p3} ` +
      `RETURNING ${COLUMNS.map((c) => `"${c}"`).join(', ')}`,
    [where.stateHash, where.idpId, where.tenantId],
  )) as RawRow[] | [RawRow[], number];
  // PostgreSQL's driver answers a DELETE with [rows, count]; better-sqlite3's with the rows.
  const list = pg ? (rows as [RawRow[], number])[0] : (rows as RawRow[]);
  const row = list[0];
  if (!row) return null;
  return Object.assign(new SsoLoginState(), row, {
    createdAt: asDate(row.createdAt),
    expiresAt: asDate(row.expiresAt),
  });
}

/** Puts a taken login state back (the sign-in did not get to use it, e.g. validation was busy). */
export async function restoreLoginState(dataSource: DataSource, row: SsoLoginState): Promise<void> {
  await insertRows(dataSource.manager, SsoLoginState, row);
}
