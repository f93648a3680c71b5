// Jest setupFile of the `unit` project. Services built directly in unit tests log through Nest's
// default console logger; the warnings they log are the refusals the tests provoke on purpose. Only
// errors show, unless TEST_LOG_LEVEL asks for more (as the *:sqlite / *:postgres projects do).
import { Logger, type LogLevel } from '@nestjs/common';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const wanted = process.env.TEST_LOG_LEVEL;
const shown = wanted && LEVELS.includes(wanted as LogLevel) ? LEVELS.indexOf(wanted as LogLevel) + 1 : 2;
Logger.overrideLogger(LEVELS.slice(0, shown));
