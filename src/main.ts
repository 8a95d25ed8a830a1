import 'reflect-metadata';
// Before anything that loads http or pg (see host/start-tracing.ts): run-main imports it first.
import { runMainOrExit } from './host/run-main';
import { MANIFESTS } from './host/manifests';

/**
 * `node dist/src/main.js` runs the monolith; `node dist/src/main.js --module inventory` (or
 * `SEAMS_HOST_MODULE=inventory`) runs the same build as the inventory module's host. What it
 * does is src/host/run-main.ts, for the modules src/host/manifests.ts registers (the kernel's
 * tests run the same start on their probe modules: test/sim/probe-main.ts).
 */
runMainOrExit(MANIFESTS);
