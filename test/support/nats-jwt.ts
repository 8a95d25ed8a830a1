import { randomUUID } from 'node:crypto';
import { nkeys } from 'nats';

/**
 * NATS decentralized authentication for a test's own server, made here: an operator, an
 * account and a user, each an nkey, each described by a JWT its issuer signed (ed25519, NATS's
 * `ed25519-nkey` algorithm), as `nsc` would make them. The server trusts the operator and has
 * the account preloaded (a memory resolver); a client proves itself with the user's `.creds`
 * file (its JWT and its seed).
 */
export interface NatsOperatorAuth {
  /** The nats-server configuration lines: the trusted operator and its account. */
  readonly serverConfig: string;
  /** A `.creds` file's contents for a user of the account. */
  readonly creds: string;
  /** A `.creds` file of a user signed by an account the server does not know. */
  readonly strangerCreds: string;
}

type KeyPair = ReturnType<typeof nkeys.createUser>;

const base64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

function jwt(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
  const claims = {
    jti: randomUUID().replace(/-/g, '').toUpperCase(),
    iat: Math.floor(Date.now() / 1000),
    iss: issuer.getPublicKey(),
    name,
    sub: subject,
    nats: { ...nats, version: 2 },
  };
  const payload = base64url(JSON.stringify(claims));
  const signature = issuer.sign(new TextEncoder().encode(`${header}.${payload}`));
  return `${header}.${payload}.${base64url(signature)}`;
}

function credsOf(userJwt: string, user: KeyPair): string {
  return [
    '-----BEGIN NATS USER JWT-----',
    userJwt,
    '------END NATS USER JWT------',
    '',
    '-----BEGIN USER NKEY SEED-----',
    new TextDecoder().decode(user.getSeed()),
    '------END USER NKEY SEED------',
    '',
  ].join('\n');
}

const UNLIMITED = { subs: -1, data: -1, payload: -1 };

export function makeNatsOperatorAuth(): NatsOperatorAuth {
  const operator = nkeys.createOperator();
  const account = nkeys.createAccount();
  const user = nkeys.createUser();
  const operatorJwt = jwt(operator, operator.getPublicKey(), 'seams-test-operator', { type: 'operator' });
  const accountJwt = jwt(operator, account.getPublicKey(), 'seams', {
    type: 'account',
    limits: { ...UNLIMITED, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
    default_permissions: { pub: {}, sub: {} },
  });
  const userJwt = jwt(account, user.getPublicKey(), 'seams-host', { type: 'user', pub: {}, sub: {}, ...UNLIMITED });
  const otherAccount = nkeys.createAccount();
  const stranger = nkeys.createUser();
  const strangerJwt = jwt(otherAccount, stranger.getPublicKey(), 'stranger', { type: 'user', pub: {}, sub: {}, ...UNLIMITED });
  return {
    serverConfig: [`operator: "${operatorJwt}"`, 'resolver: MEMORY', `resolver_preload: { ${account.getPublicKey()}: "${accountJwt}" }`].join('\n'),
    creds: credsOf(userJwt, user),
    strangerCreds: credsOf(strangerJwt, stranger),
  };
}
