import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { badRequest } from './errors';
import { Optional } from './validation';

/**
 * Cursor paging of the admin lists (users, groups, members, links). A list answers a page
 * `{items, nextCursor}` when `limit` or `cursor` is in the query (an empty `cursor=` asks for the
 * first page), and the whole list as a bare array (as before paging existed) when neither is. The
 * users list is the exception: its `limit` meant offset paging before cursors, so there only
 * `cursor` asks for a page. The cursor is opaque to clients: base64url of the
 * JSON array of the last item's sort key.
 */
export const PAGE_DEFAULT = 100;
export const PAGE_MAX = 500;

export interface Page<T> {
  items: T[];
  /** Pass as `?cursor=` for the next page; null on the last page. */
  nextCursor: string | null;
}

export class PageQueryDto {
  @ApiPropertyOptional({
    description: `Page size, 1-${PAGE_MAX} (default ${PAGE_DEFAULT}); with it the answer is {items, nextCursor}`,
    minimum: 1,
    maximum: PAGE_MAX,
  })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({
    description: 'nextCursor of the previous page (opaque); empty for the first page',
    maxLength: 2048,
  })
  @Optional()
  @IsString()
  @MaxLength(2048)
  @Matches(/^[A-Za-z0-9_-]*$/, { message: 'cursor must be a nextCursor value from a previous page' })
  cursor?: string;
}

/** True when the caller asked for a page rather than the whole list. */
export const wantsPage = (q: { limit?: number; cursor?: string }): boolean =>
  q.limit !== undefined || q.cursor !== undefined;

function encodeCursor(key: string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What both databases can compare: no NUL, no unpaired surrogate (they would not survive UTF-8). */
const storable = (k: string) =>
  k.length <= 1024 && !k.includes('\u0000') && Buffer.from(k, 'utf8').toString('utf8') === k;

/** The sort key a cursor carries; 400 `invalid_cursor` for anything a previous page did not give. */
export function decodeCursor(cursor: string, arity: number, uuidAt: number[] = []): string[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  const valid =
    Array.isArray(key) &&
    key.length === arity &&
    key.every((k, i) => typeof k === 'string' && storable(k) && (!uuidAt.includes(i) || UUID.test(k)));
  if (!valid) throw badRequest('invalid_cursor', 'cursor must be a nextCursor value from a previous page');
  return key as string[];
}

/**
 * A page from rows fetched with `limit + 1`: the extra row only says that there is more.
 */
export function toPage<T>(rows: T[], limit: number, keyOf: (item: T) => string[]): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit && items.length > 0;
  return { items, nextCursor: more ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
