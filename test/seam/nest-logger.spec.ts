import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { NestPinoLogger } from '@seams/kernel/observability';
import pino from 'pino';

/** Nest's logger calls, as the JSON lines the kernel's `NestPinoLogger` writes through pino. */
describe('NestPinoLogger', () => {
  function capture(level = 'info') {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    return { lines, logger: new NestPinoLogger(pino({ level }, sink)) };
  }

  it('writes the message as msg and the last argument as context, at the matching level', () => {
    const { lines, logger } = capture('trace');
    logger.log('ready', 'Bootstrap');
    logger.warn('slow', 'Seam');
    logger.debug('detail', 'Seam');
    logger.verbose('more detail', 'Seam');
    logger.fatal('gone', 'Host');
    expect(lines).toEqual([
      expect.objectContaining({ level: 30, context: 'Bootstrap', msg: 'ready' }),
      expect.objectContaining({ level: 40, context: 'Seam', msg: 'slow' }),
      expect.objectContaining({ level: 20, context: 'Seam', msg: 'detail' }),
      expect.objectContaining({ level: 10, context: 'Seam', msg: 'more detail' }),
      expect.objectContaining({ level: 60, context: 'Host', msg: 'gone' }),
    ]);
  });

  it("keeps Nest's error(message, stack, context) stack as err.stack, and leaves err out when the stack is undefined", () => {
    const { lines, logger } = capture();
    const stack = new Error('boom').stack!;
    logger.error('boom', stack, 'ExceptionsHandler');
    logger.error('refused', undefined, 'Problems');
    expect(lines[0]).toMatchObject({ level: 50, context: 'ExceptionsHandler', msg: 'boom', err: { message: 'boom', stack } });
    expect(lines[1]).toMatchObject({ level: 50, context: 'Problems', msg: 'refused' });
    expect(lines[1]).not.toHaveProperty('err');
  });

  it('takes a stack handed without a context as the stack, not as the context', () => {
    const { lines, logger } = capture();
    const stack = new Error('lonely').stack!;
    logger.error('lonely', stack);
    expect(lines[0]).toMatchObject({ msg: 'lonely', err: { stack } });
    expect(lines[0]).not.toHaveProperty('context');
  });

  it("logs an Error message as err with pino's serializer, and merges a plain object's fields", () => {
    const { lines, logger } = capture();
    logger.error(new TypeError('bad type'), 'Host');
    logger.log({ event: 'seam.sent', module: 'inventory' }, 'Seam');
    expect(lines[0]).toMatchObject({ context: 'Host', msg: 'bad type', err: { type: 'TypeError', message: 'bad type', stack: expect.stringContaining('TypeError: bad type') } });
    expect(lines[1]).toMatchObject({ level: 30, context: 'Seam', event: 'seam.sent', module: 'inventory' });
  });

  it("writes nothing below the root logger's level", () => {
    const { lines, logger } = capture('warn');
    logger.log('quiet', 'Bootstrap');
    logger.debug('quieter', 'Bootstrap');
    logger.warn('heard', 'Bootstrap');
    expect(lines.map((line) => line.msg)).toEqual(['heard']);
  });

  it("is what Nest's own Logger writes through once the app uses it", () => {
    const { lines, logger } = capture();
    Logger.overrideLogger(logger);
    try {
      new Logger('Orders').log('placed');
      new Logger('Orders').error('failed', new Error('x').stack);
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines[0]).toMatchObject({ context: 'Orders', msg: 'placed' });
    expect(lines[1]).toMatchObject({ context: 'Orders', msg: 'failed', err: { stack: expect.stringContaining('Error: x') } });
  });
});
