import { Column, ColumnOptions, PrimaryColumn } from 'typeorm';
import { databaseUrlAtImport } from '../config/configuration';

/**
 * One entity set, two dialects. SQLite and PostgreSQL share no type for timestamps, JSON or UUIDs,
 * so the column type is picked from DATABASE_URL when the entity files load (as n8n does). A process
 * therefore serves one dialect; DataSource creation checks the URL matches (see data-source.ts).
 */
export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(url: string | undefined): Dialect {
  return url && /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

export const ENTITY_DIALECT: Dialect = dialectOf(databaseUrlAtImport());
const pg = ENTITY_DIALECT === 'postgres';

export const UuidPrimaryColumn = (): PropertyDecorator =>
  PrimaryColumn(pg ? { type: 'uuid' } : { type: 'varchar', length: 36 });

export const UuidColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  Column({ ...(pg ? { type: 'uuid' } : { type: 'varchar', length: 36 }), ...options });

/** Millisecond precision on both dialects, so values round-trip exactly through JavaScript Dates. */
export const TimestampColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  Column({ ...(pg ? { type: 'timestamptz', precision: 3 } : { type: 'datetime' }), ...options });

export const JsonColumn = (options: ColumnOptions = {}): PropertyDecorator =>
  Column({ type: pg ? 'jsonb' : 'simple-json', ...options });
