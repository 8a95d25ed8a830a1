import { authSettings, DevKeyFolderError, signDevToken } from '@seams/kernel/security';
import { authOptions, readSettings, SettingError } from './config';
import { SHOP_ROLES } from './roles';
import { devKeyLine } from './startup/check-dev-keys';

/**
 * `npm run token -- --sub alice --role customer [--role admin] [--ttl 3600]`: prints a
 * development token, signed with the development issuer's key in `<SEAMS_DATA_DIR>/auth/`
 * (made on first use). A process trusts it only with SEAMS_AUTH_DEV=on, which `npm start` sets
 * and production refuses. `--help` prints the usage; bad arguments print it too, exit code 2.
 */
const known = Object.values(SHOP_ROLES) as string[];
const USAGE = [
  'Usage: npm run token -- --sub <subject> [--role <role>]... [--ttl <seconds>]',
  '',
  'Prints a development token (a JWT from the development issuer, key in <SEAMS_DATA_DIR>/auth/).',
  'A process trusts it with SEAMS_AUTH_DEV=on (npm start sets it); NODE_ENV=production refuses it.',
  '',
  '  --sub <subject>   who the token is for: letters, digits, . _ @ - (required)',
  `  --role <role>     one of ${known.join(', ')}; repeat for several`,
  '  --ttl <seconds>   how long it is valid, 1 to 604800 (default 3600)',
  '  --help            this text',
  '',
  'Example: npm run token -- --sub you --role admin',
].join('\n');

class UsageError extends Error {}

function argsOf(argv: readonly string[]): { sub?: string; roles: string[]; ttl: number; help: boolean } {
  const roles: string[] = [];
  let sub: string | undefined;
  let ttl = 3600;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      help = true;
      continue;
    }
    const value = argv[i + 1];
    if (!['--sub', '--role', '--ttl'].includes(argv[i])) throw new UsageError(`unknown argument ${argv[i]}`);
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${argv[i]} needs a value`);
    if (argv[i] === '--sub') sub = value;
    else if (argv[i] === '--role') roles.push(value);
    else ttl = Number(value);
    i++;
  }
  return { sub, roles, ttl, help };
}

async function main(): Promise<void> {
  const { sub, roles, ttl, help } = argsOf(process.argv.slice(2));
  if (help) return void process.stdout.write(`${USAGE}\n`);
  if (!sub || !/^[A-Za-z0-9._@-]{1,200}$/.test(sub)) throw new UsageError('--sub <subject> is required (letters, digits, . _ @ -)');
  for (const role of roles) if (!known.includes(role)) throw new UsageError(`--role must be one of ${known.join(', ')}, not "${role}"`);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 7 * 24 * 3600) throw new UsageError('--ttl must be seconds between 1 and 604800');
  const raw = readSettings({ ...process.env, SEAMS_AUTH_DEV: 'off' });
  const settings = authSettings({ ...authOptions(raw), dev: false });
  if (settings.production) throw new Error('npm run token makes development tokens; it refuses NODE_ENV=production');
  try {
    process.stdout.write(`${await signDevToken(settings.authDir, { subject: sub, roles, audience: settings.audience, ttlSeconds: ttl, rolesClaim: settings.rolesClaim })}\n`);
  } catch (error) {
    throw error instanceof DevKeyFolderError ? new Error(devKeyLine(raw, error)) : error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`npm run token: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof SettingError) {
    for (const line of error.message.split('\n')) console.error(`npm run token: ${line}`);
    process.exit(2);
  }
  console.error(`npm run token: ${(error as Error).message}`);
  process.exit(1);
});
