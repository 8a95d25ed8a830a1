import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFESTS } from '../../src/host/manifests';
import { generate, writeOutput } from './kustomize';
import type { DeployRequest, Transport } from './placement';

const USAGE = `npm run deploy:k8s -- --out <dir> [--remote inventory,payments] [--replicas inventory=2,monolith=2] [--transport tcp|nats|amqp] [--image <ref:tag or ref@digest>]

Writes a kustomize base and overlays/dev and overlays/prod to <dir>, from the same placement
settings the processes read: the monolith, and one Deployment per module in --remote.`;

/** Reads the command line; one line naming the option on a mistake. */
export function requestOf(argv: readonly string[], version: string): DeployRequest & { out: string } {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (!['--out', '--remote', '--replicas', '--transport', '--image'].includes(name)) throw new Error(`unknown option ${name}\n${USAGE}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
    options.set(name, value);
    i++;
  }
  const out = options.get('--out');
  if (!out) throw new Error(`--out <dir> is required\n${USAGE}`);
  const transport = (options.get('--transport') ?? 'tcp') as Transport;
  if (!['tcp', 'nats', 'amqp'].includes(transport)) throw new Error(`--transport must be tcp, nats or amqp, not "${transport}"`);
  const list = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  const replicas: Record<string, number> = {};
  for (const pair of list(options.get('--replicas'))) {
    const match = /^([a-z][a-z0-9-]*)=(\d+)$/.exec(pair);
    if (!match) throw new Error(`--replicas takes module=count pairs (inventory=2,monolith=2), not "${pair}"`);
    replicas[match[1]] = Number(match[2]);
  }
  return { out, remote: list(options.get('--remote')), replicas, transport, image: options.get('--image') ?? `seams:${version}` };
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(USAGE);
  try {
    const { version } = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
    const request = requestOf(argv, version);
    const files = generate(MANIFESTS, request);
    writeOutput(request.out, files);
    console.log(`wrote ${files.length} files to ${request.out}: kubectl kustomize ${join(request.out, 'overlays', 'dev')} (or prod) | kubectl apply -f -`);
  } catch (error) {
    console.error(`deploy:k8s: ${(error as Error).message}`);
    process.exit(2);
  }
}

if (require.main === module) main();
