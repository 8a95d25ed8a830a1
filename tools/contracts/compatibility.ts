import type { JsonSchema, MessageSnapshot, ModuleSnapshot } from './snapshot';

/**
 * Whether the messages a module publishes today still keep the promises of the committed
 * snapshot. A published wire name (`inventory.reserve-stock.v1`) is a promise to every module
 * and process that sends or receives it, including ones built from older code and events
 * already waiting in an outbox; a change that would make any of them fail is breaking and
 * needs a new wire name (`...v2`) beside the old one.
 *
 * Breaking, for every message:
 *   - a message removed (its wire name no longer published), or its kind changed;
 *   - a field removed, required or not: a consumer may read any field it was promised;
 *   - a type changed;
 *   - a new required field, or an optional field made required (old senders leave it out);
 *   - an enum value removed, a union alternative removed, or a nullable field made non-nullable;
 *   - a constraint narrowed (a lower minimum raised, a maximum lowered, a pattern or format
 *     added or changed): payloads valid under the old schema would be refused;
 *   - an event's `aggregate` removed or changed (subscribers rely on per-aggregate order), or a
 *     command's `idempotencyKey` removed or changed (callers rely on safe retries);
 *   - a command's or query's answer changed as an event's payload may not be (it flows out, to
 *     callers who read it), or its declaration removed.
 * Breaking for events only (the module sends them; subscribers built against the old schema
 * validate what they receive and would refuse it):
 *   - an enum value added, a constraint widened, a pattern or format removed, a union
 *     alternative added or a field made nullable;
 *   - a required field made optional.
 * Compatible: a new message (a new version is a new message), a new optional field, and for
 * commands and queries (the module receives them) an enum value added, a constraint widened,
 * a union alternative added or a field made nullable. Unions and nullable fields are what
 * Zod's JSON Schema makes of them (`anyOf` / `oneOf`); see `compareUnion`.
 */
export interface Finding {
  readonly module: string;
  readonly wire: string;
  /** Where in the payload, e.g. `lines[].quantity`; empty for the message as a whole. */
  readonly path: string;
  readonly breaking: boolean;
  readonly change: string;
}

export interface Comparison {
  readonly breaking: readonly Finding[];
  readonly compatible: readonly Finding[];
}

/** Compares the committed snapshots with the ones made from the code, module by module. */
export function compareSnapshots(committed: readonly ModuleSnapshot[], current: readonly ModuleSnapshot[]): Comparison {
  const findings: Finding[] = [];
  const now = new Map(current.map((snapshot) => [snapshot.module, snapshot]));
  const before = new Map(committed.map((snapshot) => [snapshot.module, snapshot]));
  for (const old of committed) {
    const wires = Object.keys(old.messages);
    const fresh = now.get(old.module);
    if (!fresh) {
      for (const wire of wires) {
        findings.push({ module: old.module, wire, path: '', breaking: true, change: 'message removed (its module is gone)' });
      }
      continue;
    }
    for (const wire of wires) compareMessage(old.module, wire, old.messages[wire], fresh.messages[wire], findings);
  }
  for (const fresh of current) {
    const old = before.get(fresh.module);
    for (const wire of Object.keys(fresh.messages)) {
      if (!old?.messages[wire]) findings.push({ module: fresh.module, wire, path: '', breaking: false, change: 'new message' });
    }
  }
  return { breaking: findings.filter((f) => f.breaking), compatible: findings.filter((f) => !f.breaking) };
}

/** `inventory › inventory.reserve-stock.v1 › lines[].quantity: maximum lowered from 100 to 10`. */
export function describeFinding(finding: Finding): string {
  return `${finding.module} › ${finding.wire}${finding.path ? ` › ${finding.path}` : ''}: ${finding.change}`;
}

/** The wire name the changed message should have been published under, e.g. `...v2`. */
export function nextVersion(wire: string): string {
  return wire.replace(/\.v(\d+)$/, (_, version: string) => `.v${Number(version) + 1}`);
}

type Direction = 'in' | 'out';

function compareMessage(module: string, wire: string, old: MessageSnapshot, fresh: MessageSnapshot | undefined, findings: Finding[]): void {
  const report = (path: string, breaking: boolean, change: string) => findings.push({ module, wire, path, breaking, change });
  if (!fresh) return void report('', true, 'message removed');
  if (old.kind !== fresh.kind) return void report('', true, `kind changed from ${old.kind} to ${fresh.kind}`);
  for (const hint of ['aggregate', 'idempotencyKey'] as const) {
    if (old[hint] === fresh[hint]) continue;
    if (old[hint] === undefined) report('', false, `${hint} "${fresh[hint]}" declared`);
    else if (fresh[hint] === undefined) report('', true, `${hint} "${old[hint]}" removed`);
    else report('', true, `${hint} changed from "${old[hint]}" to "${fresh[hint]}"`);
  }
  // Commands and queries flow into the module; events flow out of it to their subscribers.
  compareSchema(old.payload, fresh.payload, '', old.kind === 'event' ? 'out' : 'in', report);
  // An answer flows out to the callers, who read what they were promised (as subscribers do an event's payload).
  if (old.answer && fresh.answer) compareSchema(old.answer, fresh.answer, '(answer)', 'out', report);
  else if (old.answer) report('(answer)', true, 'answer declaration removed (callers rely on what it promised)');
  else if (fresh.answer) report('(answer)', false, 'answer declared');
}

type Report = (path: string, breaking: boolean, change: string) => void;

function compareSchema(old: JsonSchema, fresh: JsonSchema, path: string, direction: Direction, report: Report): void {
  if (isUnion(old) || isUnion(fresh)) return compareUnion(old, fresh, path, direction, report);
  const oldTypes = typesOf(old);
  const freshTypes = typesOf(fresh);
  if (oldTypes !== freshTypes) return void report(path, true, `type changed from ${oldTypes || 'any'} to ${freshTypes || 'any'}`);
  compareEnum(old, fresh, path, direction, report);
  compareBounds(old, fresh, path, direction, report);
  for (const key of ['pattern', 'format', 'const'] as const) compareExact(key, old, fresh, path, direction, report);
  if (isObject(old.properties) || isObject(fresh.properties)) compareObject(old, fresh, path, direction, report);
  if (isObject(old.items) && isObject(fresh.items)) compareSchema(old.items, fresh.items, `${path}[]`, direction, report);
  else if (isObject(old.items) !== isObject(fresh.items)) report(`${path}[]`, true, 'item schema changed');
}

/**
 * Unions (`anyOf` / `oneOf`, which is also how a nullable field looks: `[X, { type: 'null' }]`)
 * compared alternative by alternative. Alternatives are matched by their type and, for
 * objects, by the `const` properties that tell them apart (a discriminator such as `kind`).
 * An alternative removed narrows (breaking); one added widens (breaking for events, whose old
 * subscribers refuse it; compatible for commands and queries); matched ones are compared as
 * any two schemas are.
 */
function compareUnion(old: JsonSchema, fresh: JsonSchema, path: string, direction: Direction, report: Report): void {
  const before = alternativesOf(old);
  const after = alternativesOf(fresh);
  const describe = (key: string) => (key === 'null' ? 'null (the field is nullable)' : `alternative ${key}`);
  for (const [key, schema] of before) {
    const match = after.get(key);
    if (match) compareSchema(schema, match, path, direction, report);
    else report(path, true, `${describe(key)} removed (narrowed: payloads valid under the old version are refused)`);
  }
  for (const key of after.keys()) {
    if (before.has(key)) continue;
    if (direction === 'out') report(path, true, `${describe(key)} added (widened: subscribers of the old version refuse it)`);
    else report(path, false, `${describe(key)} added (widened)`);
  }
}

function isUnion(schema: JsonSchema): boolean {
  return Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf);
}

/** A schema's alternatives by key (`null`, `string`, `object kind="card"`); a plain schema is its one alternative. */
function alternativesOf(schema: JsonSchema): Map<string, JsonSchema> {
  const branches = (isUnion(schema) ? ((schema.anyOf ?? schema.oneOf) as JsonSchema[]) : [schema]).flatMap((branch) =>
    isUnion(branch) ? [...alternativesOf(branch).values()] : [branch],
  );
  const found = new Map<string, JsonSchema>();
  for (const branch of branches) {
    const properties = isObject(branch.properties) ? (branch.properties as Record<string, JsonSchema>) : {};
    const tags = Object.entries(properties)
      .filter(([, property]) => property.const !== undefined)
      .map(([name, property]) => `${name}=${JSON.stringify(property.const)}`)
      .sort();
    const own = branch.const !== undefined ? [JSON.stringify(branch.const)] : [];
    let key = [typesOf(branch) || 'any', ...own, ...tags].join(' ');
    for (let n = 2; found.has(key); n++) key = `${key.replace(/ #\d+$/, '')} #${n}`;
    found.set(key, branch);
  }
  return found;
}

function compareObject(old: JsonSchema, fresh: JsonSchema, path: string, direction: Direction, report: Report): void {
  const oldProps = (old.properties ?? {}) as Record<string, JsonSchema>;
  const freshProps = (fresh.properties ?? {}) as Record<string, JsonSchema>;
  const oldRequired = new Set(requiredOf(old));
  const freshRequired = new Set(requiredOf(fresh));
  const at = (name: string) => (path ? `${path}.${name}` : name);
  for (const name of Object.keys(oldProps)) {
    if (!(name in freshProps)) {
      report(at(name), true, `field removed (it was ${oldRequired.has(name) ? 'required' : 'optional'}; consumers may read it)`);
      continue;
    }
    if (!oldRequired.has(name) && freshRequired.has(name)) {
      report(at(name), true, 'optional field made required (senders of the old version leave it out)');
    } else if (oldRequired.has(name) && !freshRequired.has(name)) {
      if (direction === 'out') report(at(name), true, 'required field made optional (subscribers rely on it being there)');
      else report(at(name), false, 'required field made optional');
    }
    compareSchema(oldProps[name], freshProps[name], at(name), direction, report);
  }
  for (const name of Object.keys(freshProps)) {
    if (name in oldProps) continue;
    if (freshRequired.has(name)) report(at(name), true, 'new required field (senders of the old version leave it out)');
    else report(at(name), false, 'new optional field');
  }
}

function compareEnum(old: JsonSchema, fresh: JsonSchema, path: string, direction: Direction, report: Report): void {
  if (!Array.isArray(old.enum) && !Array.isArray(fresh.enum)) return;
  if (!Array.isArray(fresh.enum)) return void report(path, direction === 'out', 'enum dropped (any value accepted)');
  if (!Array.isArray(old.enum)) return void report(path, true, 'enum added (only its values accepted)');
  const before = (old.enum as unknown[]).map((value) => JSON.stringify(value));
  const after = (fresh.enum as unknown[]).map((value) => JSON.stringify(value));
  const removed = before.filter((value) => !after.includes(value));
  const added = after.filter((value) => !before.includes(value));
  const list = (values: string[]) => values.join(', ');
  if (removed.length > 0) report(path, true, `enum value${removed.length > 1 ? 's' : ''} removed: ${list(removed)}`);
  if (added.length > 0) {
    const why = direction === 'out' ? ' (subscribers of the old version refuse it)' : '';
    report(path, direction === 'out', `enum value${added.length > 1 ? 's' : ''} added: ${list(added)}${why}`);
  }
}

/** Lower bounds (a raise narrows) and upper bounds (a drop narrows); a missing bound is open. */
const BOUNDS = [
  ['minimum', 'lower'],
  ['exclusiveMinimum', 'lower'],
  ['minLength', 'lower'],
  ['minItems', 'lower'],
  ['minProperties', 'lower'],
  ['maximum', 'upper'],
  ['exclusiveMaximum', 'upper'],
  ['maxLength', 'upper'],
  ['maxItems', 'upper'],
  ['maxProperties', 'upper'],
] as const;

const LENGTHS = new Set<string>(['minLength', 'minItems', 'minProperties']);

function compareBounds(old: JsonSchema, fresh: JsonSchema, path: string, direction: Direction, report: Report): void {
  for (const [key, side] of BOUNDS) {
    // A length or count is never below 0: `minLength: 0` says what no `minLength` says.
    const floor = (value: number | undefined) => (value === 0 && LENGTHS.has(key) ? undefined : value);
    const before = floor(typeof old[key] === 'number' ? (old[key] as number) : undefined);
    const after = floor(typeof fresh[key] === 'number' ? (fresh[key] as number) : undefined);
    if (before === after) continue;
    const open = side === 'lower' ? -Infinity : Infinity;
    const from = before ?? open;
    const to = after ?? open;
    const narrowed = side === 'lower' ? to > from : to < from;
    const what = `${key} ${describeBound(before)} → ${describeBound(after)}`;
    if (narrowed) report(path, true, `${what} (narrowed: payloads valid under the old version are refused)`);
    else if (direction === 'out') report(path, true, `${what} (widened: subscribers of the old version refuse the new values)`);
    else report(path, false, `${what} (widened)`);
  }
}

function compareExact(key: 'pattern' | 'format' | 'const', old: JsonSchema, fresh: JsonSchema, path: string, direction: Direction, report: Report): void {
  const before = old[key] === undefined ? undefined : JSON.stringify(old[key]);
  const after = fresh[key] === undefined ? undefined : JSON.stringify(fresh[key]);
  if (before === after) return;
  if (before === undefined) report(path, true, `${key} ${after} added (narrowed: payloads valid under the old version may be refused)`);
  else if (after === undefined) {
    const why = direction === 'out' ? ' (widened: subscribers of the old version may refuse the new values)' : ' (widened)';
    report(path, direction === 'out', `${key} ${before} removed${why}`);
  } else report(path, true, `${key} changed from ${before} to ${after}`);
}

function describeBound(value: number | undefined): string {
  return value === undefined ? 'none' : String(value);
}

function typesOf(schema: JsonSchema): string {
  const type = schema.type;
  if (Array.isArray(type)) return [...(type as string[])].sort().join('|');
  return typeof type === 'string' ? type : '';
}

function requiredOf(schema: JsonSchema): string[] {
  return Array.isArray(schema.required) ? (schema.required as string[]) : [];
}

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
