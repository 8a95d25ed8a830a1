import { authSettings, signDevToken } from '@seams/kernel/security';
import { authOptions, readSettings } from './config';
import { SHOP_ROLES } from './roles';

/**
 * `npm run token -- --sub alice --role customer [--role admin] [--ttl 3600]`: prints a
 * development token, signed with the development issuer's key in `<SEAMS_DATA_DIR>/auth/`
 * (made on first use). A process trusts it only with SEAMS_AUTH_DEV=on, which `npm start` sets
 * and production refuses.
 */
function argsOf(argv: readonly string[]): { sub?: string; roles: string[]; ttl: number } {
  const roles: string[] = [];
  let sub: string | undefined;
  let ttl = 3600;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--sub') sub = value;
    else if (argv[i] === '--role') roles.push(value);
    else if (argv[i] === '--ttl') ttl = Number(value);
    else throw new Error(`unknown argument ${argv[i]}`);
    i++;
  }
  return { sub, roles, ttl };
}

async function main(): Promise<void> {
  const { sub, roles, ttl } = argsOf(process.argv.slice(2));
  if (!sub || !/^[A-Za-z0-9._@-]{1,200}$/.test(sub)) throw new Error('--sub <subject> is required (letters, digits, . _ @ -)');
  const known = Object.values(SHOP_ROLES) as string[];
  for (const role of roles) if (!known.includes(role)) throw new Error(`--role must be one of ${known.join(', ')}, not "${role}"`);
  if (!Number.isInteger(ttl) || ttl <= 0 || ttl > 7 * 24 * 3600) throw new Error('--ttl must be seconds between 1 and 604800');
  const settings = authSettings({ ...authOptions(readSettings({ ...process.env, SEAMS_AUTH_DEV: 'off' })), dev: false });
  if (settings.production) throw new Error('npm run token makes development tokens; it refuses NODE_ENV=production');
  process.stdout.write(`${await signDevToken(settings.authDir, { subject: sub, roles, audience: settings.audience, ttlSeconds: ttl, rolesClaim: settings.rolesClaim })}\n`);
}

main().catch((error: unknown) => {
  console.error(`npm run token: ${(error as Error).message}`);
  process.exit(1);
});
