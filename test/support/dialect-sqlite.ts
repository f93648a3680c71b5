// Jest setupFile of the *:sqlite projects: entity column types are chosen from DATABASE_URL at load.
process.env.DATABASE_URL = 'sqlite::memory:';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
