import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PactV4 } from '@pact-foundation/pact';

/**
 * The shop's consumer-driven contracts (Pact V4 message pacts, ADR 0032). The repository is the
 * broker: each consumer's pact with each provider is committed in `contracts/pacts/`.
 *
 * A consumer's spec writes its pact into a folder of its own; once its interactions have run,
 * `settle` compares it with the committed file: equal, or the spec fails naming the file and
 * what to run. `npm run pacts:write` (SEAMS_PACTS_WRITE=1) writes the committed files instead,
 * as `contracts:check` rewrites the schema snapshot; under CI=true nothing is written.
 */
export const PACTS_DIR = join(__dirname, '..', '..', 'contracts', 'pacts');

process.env.PACT_DO_NOT_TRACK = 'true';

export interface ConsumerPact {
  readonly pact: PactV4;
  /** Compares the pact the spec wrote with the committed one (or writes it, with SEAMS_PACTS_WRITE=1). */
  settle(): void;
}

export function consumerPact(consumer: string, provider: string): ConsumerPact {
  const dir = mkdtempSync(join(tmpdir(), `seams-pact-${consumer}-`));
  const pact = new PactV4({ consumer, provider, dir, logLevel: 'warn' });
  const file = `${consumer}-${provider}.json`;
  return {
    pact,
    settle() {
      const written = readFileSync(join(dir, file), 'utf8');
      const committed = join(PACTS_DIR, file);
      if (process.env.SEAMS_PACTS_WRITE === '1' && process.env.CI !== 'true') {
        mkdirSync(PACTS_DIR, { recursive: true });
        writeFileSync(committed, written);
        return;
      }
      const before = existsSync(committed) ? readFileSync(committed, 'utf8') : '(no file)';
      if (before !== written) {
        throw new Error(
          `contracts/pacts/${file} is not what ${consumer}'s consumer spec records now: run \`npm run pacts:write\` and commit it (a changed expectation is reviewed there)\n--- committed\n${before}\n--- now\n${written}`,
        );
      }
    },
  };
}

/** The committed pact files naming `provider`, and those of every provider. */
export function pactFilesOf(provider?: string): string[] {
  if (!existsSync(PACTS_DIR)) return [];
  return readdirSync(PACTS_DIR)
    .filter((name) => name.endsWith('.json') && (provider === undefined || (JSON.parse(readFileSync(join(PACTS_DIR, name), 'utf8')) as Pact).provider.name === provider))
    .map((name) => join(PACTS_DIR, name));
}

export interface Pact {
  readonly consumer: { readonly name: string };
  readonly provider: { readonly name: string };
  readonly interactions: readonly PactInteraction[];
}

export interface PactInteraction {
  readonly type: 'Synchronous/Messages' | 'Asynchronous/Messages';
  readonly description: string;
  /** Recorded but not yet relied on (a consumer's next step, e.g. a new version it will switch to). */
  readonly pending?: boolean;
  readonly response?: readonly { readonly contents: { readonly content: { readonly ok?: boolean } } }[];
  readonly providerStates?: readonly { readonly name: string; readonly params?: Record<string, unknown> }[];
  readonly request?: { readonly contents: { readonly content: { readonly message: string; readonly payload: unknown } } };
  readonly contents?: { readonly content: unknown };
  readonly metadata?: { readonly message?: string };
}

export function readPact(file: string): Pact {
  return JSON.parse(readFileSync(file, 'utf8')) as Pact;
}

/**
 * Whether `sent` has the shape of Pact's `example`: every key of the example, with a value of
 * the same JSON type (arrays: each element like the example's first). Pact records what the
 * consumer sends as an example with matchers; this checks the consumer's real code sent a
 * message of that shape (the provider's verification then proves the provider handles it).
 */
export function shapeIssues(sent: unknown, example: unknown, path = '$'): string[] {
  const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
  if (kind(sent) !== kind(example)) return [`${path}: sent a ${kind(sent)}, the pact expects a ${kind(example)}`];
  if (Array.isArray(example)) {
    const items = sent as unknown[];
    if (example.length > 0 && items.length === 0) return [`${path}: sent no element, the pact expects at least one`];
    return example.length === 0 ? [] : items.flatMap((item, index) => shapeIssues(item, example[0], `${path}[${index}]`));
  }
  if (kind(example) === 'object') {
    return Object.entries(example as Record<string, unknown>).flatMap(([key, value]) =>
      key in (sent as Record<string, unknown>) ? shapeIssues((sent as Record<string, unknown>)[key], value, `${path}.${key}`) : [`${path}.${key}: missing`],
    );
  }
  return [];
}
