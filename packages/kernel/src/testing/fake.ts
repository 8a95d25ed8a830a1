import type { DynamicModule } from '@nestjs/common';
import { type MessageClass, validate } from '../primitives';
import { defineModule, InvalidMessageError, type ModuleManifest, SeamUnavailableError } from '../seam';

/**
 * An in-memory stand-in for a module, for tests that boot one module alone
 * (`startModuleHarness`). A fake serves the real module's contract (the same message classes,
 * the same manifest name) on the in-process buses, and behaves as the contract says: run the
 * module's contract suite against the fake as well as against the real module, so a fake that
 * drifts from its module fails there.
 */
export interface FakeModule {
  /** The real module's name and contract; it sends and subscribes to nothing. */
  readonly manifest: ModuleManifest;
  /** The Nest module with the fake's handlers, bound to this instance. */
  readonly nestModule: DynamicModule;
  /** The commands and queries it serves. */
  readonly serves: readonly MessageClass[];
  /** What it received, in order: wire names and validated payloads. */
  readonly received: { wire: string; payload: unknown }[];
}

/**
 * The manifest of a fake: the real module's name and contract (everything its `contract/`
 * exports), never loaded through the manifest.
 */
export function fakeManifest(name: string, contract: Readonly<Record<string, unknown>>): ModuleManifest {
  return defineModule({ name, contract, load: () => Promise.reject(new Error(`the fake of ${name} is not loaded through its manifest`)) });
}

/**
 * The base of a fake: like the receiving side of a seam, it validates every payload against the
 * message's schema (`seam.invalid-message`), so a caller's malformed message fails in isolation
 * too, and it can be told to go down (`seam.unavailable`). A subclass keeps its state in memory
 * and calls `accept` first in every handler.
 */
export abstract class Fake {
  readonly received: { wire: string; payload: unknown }[] = [];
  private outage: string | undefined;

  protected constructor(readonly manifest: ModuleManifest) {}

  /** Every call fails as if the module could not be reached (503 `seam.unavailable`) until `recover()`. */
  goDown(reason = 'the fake was told to go down'): void {
    this.outage = reason;
  }

  recover(): void {
    this.outage = undefined;
  }

  /** What a seam's receiving side does first: refuse a module that is down or a malformed payload. */
  protected accept<T extends object>(type: MessageClass, message: T): T {
    if (this.outage) throw new SeamUnavailableError(this.manifest.name, this.outage);
    const result = validate(type.schema, { ...message });
    if (!result.ok) throw new InvalidMessageError(type.wire, result.issues);
    this.received.push({ wire: type.wire, payload: result.value });
    return result.value as T;
  }
}
