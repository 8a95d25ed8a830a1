import { Client } from 'pg';
import { withoutPassword } from './startup-problem';

const CONNECT_TIMEOUT_MS = 5000;

export interface DatabaseCheck {
  /** The setting the URL came from (`DATABASE_URL`, `SEAMS_<MODULE>_DATABASE_URL`). */
  readonly setting: string;
  readonly url: string;
  /** The embedded server's port: a refused connection there most likely means it is not started yet. */
  readonly embeddedPort: number;
}

/**
 * Connects to the database of `check.url` once, before the app starts, and says in one line
 * what is wrong when that fails (no server, wrong password, no such database...), naming the
 * setting; `undefined` when the database answers.
 */
export async function databaseProblem(check: DatabaseCheck): Promise<string | undefined> {
  const client = new Client({ connectionString: check.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return describe(error as Error & { code?: string }, check);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function describe(error: Error & { code?: string }, { setting, url, embeddedPort }: DatabaseCheck): string {
  const shown = `${setting}=${withoutPassword(url)}`;
  const target = addressOf(url);
  switch (error.code) {
    case '3D000':
      return `${shown}: database "${target.database}" does not exist on ${target.host}:${target.port}; create it (createdb -h ${target.host} -p ${target.port} -U ${target.user} ${target.database}) or name an existing database in ${setting}`;
    case '28P01':
      return `${shown}: password authentication failed for user "${target.user}"; put that user's password in ${setting} (postgres://user:password@host:port/database)`;
    case '28000':
      return `${shown}: the server refused the login (${error.message}); use a user that exists and may connect`;
    case 'ECONNREFUSED': {
      const embedded = target.port === embeddedPort && /^(127\.0\.0\.1|localhost|::1)$/.test(target.host)
        ? `; this is the embedded PostgreSQL's port: start the monolith first (npm start starts the embedded server), or set ${setting} to a running server`
        : `; start PostgreSQL there, or point ${setting} at a running server`;
      return `${shown}: nothing accepts connections at ${target.host}:${target.port} (ECONNREFUSED)${embedded}`;
    }
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${shown}: the host "${target.host}" is not known (${error.code}); check the host name in ${setting} (postgres://user:password@host:port/database)`;
    default:
      if (/timeout/i.test(error.message)) {
        return `${shown}: ${target.host}:${target.port} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s; check the host, the port and any firewall between`;
      }
      return `${shown}: cannot connect (${error.code ? `${error.code}: ` : ''}${error.message.split('\n')[0]})`;
  }
}

function addressOf(url: string): { host: string; port: number; database: string; user: string } {
  try {
    const parsed = new URL(url);
    return {
      host: parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost',
      port: Number(parsed.port || 5432),
      database: decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username) || 'postgres',
      user: decodeURIComponent(parsed.username) || 'postgres',
    };
  } catch {
    return { host: 'localhost', port: 5432, database: 'postgres', user: 'postgres' };
  }
}
