import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { z, Query } from '@seams/kernel/primitives';
import { defineModule, MessageRegistry, RequestContexts, type RequestContext, SeamModule } from '@seams/kernel/seam';
import { envelopeOf } from '@seams/kernel/seam';
import { SeamReceiver } from '@seams/kernel/seam';
import { bearer, sealed, testAuthEnv } from '../support/auth';
import { seamOptionsFor, topologyFrom } from '../../src/host/config';

class WhoAsks extends Query<RequestContext & { readonly echo: string }> {
  static readonly wire = 'probe.who-asks.v1';
  static readonly schema = z.object({ echo: z.string().max(10_000) });

  constructor(readonly echo: string) {
    super();
  }
}

@QueryHandler(WhoAsks)
class WhoAsksHandler implements IQueryHandler<WhoAsks> {
  async execute(query: WhoAsks) {
    return { ...RequestContexts.current()!, echo: query.echo, isInstance: query instanceof WhoAsks };
  }
}

@Module({ providers: [WhoAsksHandler] })
class ProbeModule {}

const probe = defineModule({ name: 'probe', contract: { WhoAsks }, load: async () => ProbeModule });

describe('the envelope', () => {
  it('carries the sender context: correlation, causation, deadline and identity', () => {
    const envelope = RequestContexts.run(
      { correlationId: 'corr-1', messageId: 'msg-0', deadline: Date.now() + 1000, identity: 'Bearer token-1' },
      () => envelopeOf('query', WhoAsks.wire, new WhoAsks('x'), 5000),
    );
    expect(envelope).toMatchObject({
      v: 1,
      kind: 'query',
      name: 'probe.who-asks.v1',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      correlationId: 'corr-1',
      causationId: 'msg-0',
      identity: 'Bearer token-1',
      payload: { echo: 'x' },
    });
    // the earlier of the caller's deadline and the seam's own budget
    expect(envelope.deadline).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('starts a new correlation and a full time budget when there is no context', () => {
    const before = Date.now();
    const envelope = envelopeOf('query', WhoAsks.wire, new WhoAsks('x'), 5000);
    expect(envelope.correlationId).toBe(envelope.id);
    expect(envelope.deadline).toBeGreaterThanOrEqual(before + 5000);
    expect(envelope.identity).toBeUndefined();
  });

  it('is opened on the receiving side into the handler context, with the payload rebuilt as the message class', async () => {
    const registry = new MessageRegistry([probe]);
    const topology = topologyFrom(registry, { kind: 'module', module: 'probe' }, { SEAMS_PROBE_URL: 'tcp://127.0.0.1:1' });
    const moduleRef = await Test.createTestingModule({
      imports: [SeamModule.forRoot({ registry, topology, ...seamOptionsFor(registry, testAuthEnv()) }), ProbeModule],
    }).compile();
    await moduleRef.init();
    try {
      const deadline = Date.now() + 2000;
      const id = randomUUID();
      const endUser = bearer('end-user', 'customer');
      const reply = await moduleRef.get(SeamReceiver).receive('probe', sealed({
        v: 1,
        kind: 'query',
        name: 'probe.who-asks.v1',
        id,
        correlationId: 'corr-9',
        causationId: 'cause-8',
        deadline,
        identity: endUser,
        payload: { echo: 'hello', extra: 'dropped' },
      }));
      expect(reply).toEqual({
        ok: true,
        result: {
          correlationId: 'corr-9',
          messageId: id,
          causationId: 'cause-8',
          deadline,
          identity: endUser,
          // the host checked the end user's token again: the handler sees who it is for
          principal: { kind: 'user', subject: 'end-user', roles: ['customer'] },
          echo: 'hello',
          isInstance: true,
        },
      });
    } finally {
      await moduleRef.close();
    }
  });
});
