/**
 * Testing one module alone: `startModuleHarness` boots it with the kernel and fakes of the
 * modules it calls; `Fake` is the base of contract-checked fakes; `createTestDatabase` makes a
 * fresh database per test file.
 */
export { startModuleHarness, eventOf } from './module-harness';
export type { HarnessOptions, ModuleHarness, PublishedEvent } from './module-harness';
export { Fake, fakeManifest } from './fake';
export { serviceSeam } from './service-seam';
export type { FakeModule } from './fake';
export { createTestDatabase } from './test-database';
export type { TestDatabase } from './test-database';
