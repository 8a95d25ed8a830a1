import type { DynamicModule, Type } from '@nestjs/common';
import { CommandHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError, type ErrorKind, isMessageClass, kindOf, type MessageClass } from '../primitives';
import { errorFromWire, type ModuleManifest } from '../seam';
import { Fake, type FakeModule, fakeManifest } from './fake';

/**
 * Seams' messages as consumer-driven contracts (Pact V4 message pacts, ADR 0032), without
 * depending on a Pact library: the shapes of what a pact file holds for a seam message, the
 * provider's side (`replyOf`: a handler's outcome as a pact's response) and the consumer's side
 * (`ScriptedModule`: a stand-in of the provider that answers what a pact's response says, so
 * the consumer's real code runs against Pact's example at the seam).
 *
 * A command or query is a synchronous message: request `{ message, payload }`, response
 * `{ ok: true, value }` or `{ ok: false, error: { code, kind, details } }`, the seam's own reply.
 * An event is an asynchronous message: its payload, with `{ message: <wire name> }` as metadata.
 */
export interface SeamRequestContent {
  readonly message: string;
  readonly payload: unknown;
}

export type SeamReplyContent =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: { readonly code: string; readonly kind: ErrorKind; readonly details: Readonly<Record<string, unknown>> } };

/**
 * What a provider's handler answered, as a pact's response: its value, or the typed error it
 * failed with (code, kind, details; the message text is for people and is left out). An
 * unexpected failure is not an answer a consumer can rely on: it is thrown.
 */
export async function replyOf(work: () => Promise<unknown>): Promise<SeamReplyContent> {
  try {
    const value = await work();
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { ok: false, error: { code: error.code, kind: error.kind, details: { ...error.details } } };
  }
}

/** The message a pact's request names, made from its payload as a module host makes it from an envelope. */
export function messageOf(contract: Readonly<Record<string, unknown>>, request: SeamRequestContent): object {
  const type = Object.values(contract).find((value): value is MessageClass => isMessageClass(value) && value.wire === request.message);
  if (!type) throw new Error(`No message of this contract is named "${request.message}"`);
  return Object.assign(Object.create(type.prototype as object) as object, request.payload);
}

/**
 * A stand-in for a provider module whose answers come from pacts: it serves the provider's
 * contract (every command and query), accepts each message as a seam's receiving side does
 * (the contract's schema), records it, and answers the reply scripted for its wire name, the
 * value or the typed error rebuilt as the seam rebuilds one. A message with no reply scripted
 * fails the test, naming it.
 */
export class ScriptedModule extends Fake implements FakeModule {
  readonly serves: readonly MessageClass[];
  private readonly replies = new Map<string, SeamReplyContent>();
  private readonly module: DynamicModule;

  constructor(name: string, contract: Readonly<Record<string, unknown>>) {
    const manifest: ModuleManifest = fakeManifest(name, contract);
    super(manifest);
    this.serves = manifest.contract.filter((type) => kindOf(type) !== 'event');
    const handlers = this.serves.map((type) => this.handlerOf(type));
    this.module = { module: class ScriptedNestModule {}, providers: handlers };
  }

  get nestModule(): DynamicModule {
    return this.module;
  }

  /** The reply to give every `wire` message from now on (a pact's response content). */
  script(wire: string, reply: SeamReplyContent): this {
    if (!this.serves.some((type) => type.wire === wire)) throw new Error(`${this.manifest.name} serves no command or query named "${wire}"`);
    this.replies.set(wire, reply);
    return this;
  }

  private answer(type: MessageClass, message: object): unknown {
    this.accept(type, message);
    const reply = this.replies.get(type.wire);
    if (!reply) throw new Error(`${this.manifest.name} got ${type.wire}, but no pact's reply is scripted for it`);
    if (!reply.ok) throw errorFromWire({ ...reply.error, message: `${reply.error.code} (a pact's scripted reply)` });
    return reply.value === null && kindOf(type) === 'command' ? undefined : reply.value;
  }

  private handlerOf(type: MessageClass): Type<unknown> {
    const answer = (message: object) => this.answer(type, message);
    class ScriptedHandler {
      async execute(message: object): Promise<unknown> {
        return answer(message);
      }
    }
    Object.defineProperty(ScriptedHandler, 'name', { value: `Scripted_${type.wire.replace(/[.-]/g, '_')}` });
    (kindOf(type) === 'query' ? QueryHandler : CommandHandler)(type as never)(ScriptedHandler);
    return ScriptedHandler;
  }
}
