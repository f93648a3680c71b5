import { Init1795417975041 } from './1795417975041-Init';

// Ordered: append new migrations at the end. Generate with `npm run migration:generate:sqlite -- Name`.
export const SQLITE_MIGRATIONS: Function[] = [Init1795417975041];
