import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/**
 * Nest's logger, written through the process's root pino logger: every line Nest or a
 * `new Logger(context)` writes becomes one JSON object with `context` (the class or component
 * that wrote it) and `msg`, and carries the root logger's mixin (correlation and trace ids).
 *
 * Nest calls `log(message, context)`, `error(message, stack, context)` (the stack may be
 * undefined) and `warn(message, context)`; the context is always the last argument. A message
 * that is an `Error` is logged as `err` (pino's error serializer), a stack handed as a string
 * becomes `err.stack`, and a plain object's fields are merged into the line.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

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

  private write(level: Level, message: unknown, rest: readonly unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const params = [...rest];
    if (params.length > 0 && !isStack(params[params.length - 1])) {
      const context = params.pop();
      if (context !== undefined) fields.context = context;
    }
    if (message instanceof Error) {
      fields.err = message;
      this.root[level](fields, message.message);
      return;
    }
    if (message !== null && typeof message === 'object') {
      Object.assign(fields, message);
      this.root[level](fields);
      return;
    }
    const stack = level === 'error' || level === 'fatal' ? params.find(isStack) : undefined;
    if (stack !== undefined) {
      const error = new Error(String(message));
      error.stack = stack;
      fields.err = error;
    }
    this.root[level](fields, String(message), ...params.filter((param) => param !== stack && param !== undefined));
  }
}

function isStack(value: unknown): value is string {
  return typeof value === 'string' && /\n\s+at /.test(value);
}
