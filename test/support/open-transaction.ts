import type { QueryRunner } from 'typeorm';
import type { TestApp } from './test-app';

/**
 * A second connection with a transaction open: what another writer (an admin, a SCIM push) holds
 * while the code under test runs. The caller commits or rolls back, then releases it.
 */
export async function openTransaction(t: TestApp): Promise<QueryRunner> {
  const runner = t.dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  return runner;
}
