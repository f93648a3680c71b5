// Jest setupFile of the *:postgres projects: entity column types are chosen from DATABASE_URL at load.
if (!process.env.TEST_DATABASE_URL) throw new Error('The postgres projects need TEST_DATABASE_URL');
process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
