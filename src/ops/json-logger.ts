import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/**
 * The process's log before Nest's request-aware logger (nestjs-pino) takes over, and after it is
 * gone: start-up, database retries, cluster supervision, shutdown. Same pino JSON lines, so a log
 * shipper reads one format from the first line to the last.
 */
export function createProcessLogger(
  options: { level?: string; file?: string; stderr?: boolean } = {},
): Logger {
  const dest = options.file
    ? pino.destination({ dest: options.file, sync: true, mkdir: true })
    : pino.destination({ fd: options.stderr ? 2 : 1, sync: true });
  return pino({ level: options.level ?? 'info' }, dest);
}

/** Nest's LoggerService over pino: one JSON line per call, a stack reduced to its first line (the cause). */
export class JsonNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    const params = [...rest];
    // Nest passes the context last, and for errors the stack before it.
    const context =
      params.length > 0 && typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    const cause = params.find((p) => typeof p === 'string' || p instanceof Error);
    if (cause) fields.cause = causeOf(cause);
    if (message instanceof Error) {
      fields.cause ??= causeOf(message);
      this.logger[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as object) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

/** "Error: connect ECONNREFUSED 127.0.0.1:5432" out of a stack or an error, without the frames. */
export function causeOf(value: unknown): string {
  if (value instanceof Error) {
    const inner = value.cause instanceof Error ? ` (cause: ${value.cause.message})` : '';
    const aggregate =
      value instanceof AggregateError ? value.errors.map((e: Error) => e.message).join('; ') : '';
    return `${value.name}: ${value.message || aggregate}${inner}`;
  }
  return String(value).split('\n')[0];
}
