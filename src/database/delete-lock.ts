import { EntityManager } from 'typeorm';
import { inChunks } from './chunks';

/**
 * PostgreSQL: FOR UPDATE (not the NO KEY UPDATE of a sign-in's user lock) also waits for and then
 * holds off writes that reference these rows (a membership or link being added), so what the delete
 * lists and audits is what the cascade removes. SQLite has one writer at a time anyway.
 */
export async function lockForDelete(em: EntityManager, table: string, ids: string[]): Promise<void> {
  if (em.connection.options.type !== 'postgres') return;
  for (const chunk of inChunks([...ids].sort()))
    await em.query(`SELECT 1 FROM "${table}" WHERE "id" = ANY($1::uuid[]) ORDER BY "id" FOR UPDATE`, [chunk]);
}
