import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagingModule, RELAY_DEFAULTS } from '@seams/kernel/messaging';
import { DatabaseModule } from '@seams/kernel/persistence';
import { MessageRegistry, SEAM_TIMEOUT, SeamModule, Topology } from '@seams/kernel/seam';

/** The kernel is configured by typed options, checked at start: forRoot and forRootAsync alike. */
describe('kernel modules take typed options', () => {
  const registry = new MessageRegistry([]);
  const topology = Topology.create(registry, { kind: 'monolith' });
  const auth = { authDir: '/tmp/seams-kernel-options-auth' };

  it('refuses a bad option in one line naming the option and the value', () => {
    expect(() => SeamModule.forRoot({ registry, topology, auth, timeoutMs: 0 })).toThrow(/^timeoutMs must be a positive whole number, not "0"$/);
    expect(() => SeamModule.forRoot({ registry, topology, auth, timeoutMs: 600_001 })).toThrow(/^timeoutMs must be at most 600000 \(10 minutes/);
    expect(() => MessagingModule.forRoot({ batch: 2.5 })).toThrow(/^relay\.batch must be a positive whole number, not "2.5"$/);
    expect(() => DatabaseModule.forRoot({ url: 'mysql://x', poolSize: 1 })).toThrow(/^database\.url must be a postgres:\/\/ URL, not "mysql:\/\/x"$/);
    expect(() => Topology.create(registry, { kind: 'monolith' }, { namespace: 'Bad Space' })).toThrow(/^namespace must be 1-40/);
  });

  it('takes options from a factory with forRootAsync, checked the same way', async () => {
    @Injectable()
    class Config {
      readonly database = { url: 'postgres://127.0.0.1/x', poolSize: 0 };
      readonly timeoutMs = 1234;
    }
    @Module({ providers: [Config], exports: [Config] })
    class ConfigModule {}

    @Module({ imports: [SeamModule.forRootAsync({ registry, topology, imports: [ConfigModule], inject: [Config], useFactory: (config: Config) => ({ auth, timeoutMs: config.timeoutMs }) })] })
    class Good {}
    const app = await NestFactory.createApplicationContext(Good, { logger: false });
    expect(app.get(SEAM_TIMEOUT)).toBe(1234);
    await app.close();

    @Module({ imports: [DatabaseModule.forRootAsync({ imports: [ConfigModule], inject: [Config], useFactory: (config: Config) => config.database })] })
    class Bad {}
    await expect(NestFactory.createApplicationContext(Bad, { logger: false, abortOnError: false })).rejects.toThrow(/database\.poolSize must be a positive whole number, not "0"/);
    expect(RELAY_DEFAULTS.pollMs).toBe(1000);
  });
});
