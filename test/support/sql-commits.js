// Counts the transactions a list of SQL statements commits. Plain JavaScript so `npm run bench`
// (statements logged by LOG_SQL) and the tests (statements from the data source's logger) count
// alike; types in sql-commits.d.ts.

/**
 * Each BEGIN ... COMMIT block, and each write outside one (its own autocommit transaction): on
 * PostgreSQL each is a WAL flush under `synchronous_commit = on`. Reads outside a transaction have
 * nothing to flush and are not counted.
 */
function commitsOf(statements) {
  let commits = 0;
  let open = false;
  for (const statement of statements) {
    const head = statement.trimStart().slice(0, 20).toUpperCase();
    if (/^(BEGIN|START TRANSACTION)/.test(head)) open = true;
    else if (head.startsWith('ROLLBACK')) open = false;
    else if (head.startsWith('COMMIT')) {
      open = false;
      commits++;
    } else if (!open && /^(INSERT|UPDATE|DELETE|WITH)\b/.test(head)) commits++;
  }
  return commits;
}

module.exports = { commitsOf };
