import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { TestDatabase } from './test-database';

/** The fields these tests read from answers (ids and tokens of what they create). */
interface JsonAnswer {
  id: string;
  token: string;
  [field: string]: unknown;
}

/** fetch with a bearer token and JSON (or SCIM JSON) both ways. */
export function jsonClient(base: string, token: string) {
  return async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': type }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as JsonAnswer };
  };
}

/** One query against the test database from outside the service (after it stopped, or beside it). */
export async function queryDatabase<T = Record<string, unknown>>(
  db: TestDatabase,
  sql: string,
): Promise<T[]> {
  if (db.dialect === 'sqlite') {
    const file = new Database(db.url.replace(/^sqlite:/, ''), { readonly: true });
    try {
      return file.prepare(sql).all() as T[];
    } finally {
      file.close();
    }
  }
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}
