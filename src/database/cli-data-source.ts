// Entry point for the TypeORM CLI (migration:generate / run / revert). The app builds its own.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/configuration';
import { buildDataSourceOptions } from './data-source';

const { database } = loadConfig();
export default new DataSource(buildDataSourceOptions(database.url, database));
