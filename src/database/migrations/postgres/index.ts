import { Init1795417979743 } from './1795417979743-Init';

// Ordered: append new migrations at the end. Generate with `npm run migration:generate:postgres -- Name`.
export const POSTGRES_MIGRATIONS: Function[] = [Init1795417979743];
