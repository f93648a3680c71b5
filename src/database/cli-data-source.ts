// Entry point for the TypeORM CLI (migration:generate / run / revert). The app builds its own.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source';

export default new DataSource(buildDataSourceOptions(process.env.DATABASE_URL));
