/**
 * Testing one module alone: `startModuleHarness` boots it with the kernel and fakes of the
 * modules it calls; `Fake` is the base of contract-checked fakes; `createTestDatabase` makes a
 * fresh database per test file; `ScriptedModule` and `replyOf` carry a module's messages into
 * consumer-driven contracts (Pact message pacts, ADR 0032).
 */
export { startModuleHarness, eventOf } from './module-harness';
export type { HarnessOptions, ModuleHarness, PublishedEvent } from './module-harness';
export { Fake, fakeManifest } from './fake';
export { serviceSeam } from './service-seam';
export type { FakeModule } from './fake';
export { createTestDatabase } from './test-database';
export { ScriptedModule, replyOf, messageOf } from './message-pacts';
export type { SeamReplyContent, SeamRequestContent } from './message-pacts';
export type { TestDatabase } from './test-database';
