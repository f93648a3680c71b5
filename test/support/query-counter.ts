import type { DataSource, Logger } from 'typeorm';

/**
 * Counts the SQL statements a piece of work sends, transaction control included, by wrapping the
 * data source's logger (every TypeORM query runner reports each statement to it).
 */
export async function countQueries<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<{ result: T; count: number; queries: string[] }> {
  const logger = dataSource.logger;
  const queries: string[] = [];
  const counting: Logger = {
    logQuery: (query, parameters, runner) => {
      queries.push(query);
      return logger.logQuery(query, parameters, runner);
    },
    logQueryError: (...args) => logger.logQueryError(...args),
    logQuerySlow: (...args) => logger.logQuerySlow(...args),
    logSchemaBuild: (...args) => logger.logSchemaBuild(...args),
    logMigration: (...args) => logger.logMigration(...args),
    log: (...args) => logger.log(...args),
  };
  (dataSource as { logger: Logger }).logger = counting;
  try {
    const result = await work();
    return { result, count: queries.length, queries };
  } finally {
    (dataSource as { logger: Logger }).logger = logger;
  }
}
