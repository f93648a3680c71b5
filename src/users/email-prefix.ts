import type { SelectQueryBuilder } from 'typeorm';
import type { Dialect } from '../database/columns';
import type { User } from './user.entity';

/**
 * Narrows to emails starting with `prefix` (lower-cased, as emails are stored), through an index on
 * both dialects (docs/api.md, "Users: email prefix search"):
 * - PostgreSQL: `LIKE 'prefix%'` with `_`, `%` and `\\` escaped, served by IDX_users_email_prefix
 *   (`varchar_pattern_ops`, so it works under any database collation);
 * - SQLite: the same set as a range, `prefix <= email < prefix + U+10FFFF`, served by the
 *   (tenantId, email) index; SQLite's LIKE cannot use an index on a BINARY column (LIKE is
 *   case-insensitive there), and BINARY order is code point order, so the range is exact.
 */
export function emailPrefix(qb: SelectQueryBuilder<User>, dialect: Dialect, prefix: string): void {
  if (dialect === 'postgres') {
    qb.andWhere("u.email LIKE :emailPrefix ESCAPE '\\'", {
      emailPrefix: `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    });
    return;
  }
  qb.andWhere('u.email >= :emailFrom AND u.email < :emailTo', {
    emailFrom: prefix,
    emailTo: `${prefix}\u{10FFFF}`,
  });
}
