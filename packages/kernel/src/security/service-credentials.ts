import { createHmac, createSecretKey, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { type AuthSettings } from './auth-settings';
import { InvalidOptionError } from '../context';
import { devServiceSecret } from './dev-issuer';
import { type Principal, UnauthenticatedError } from './principal';

/** For whom a sealed message acts: the end user whose token it carries, or the sending service itself. */
export type ActingAs = 'user' | 'service';

/** What a seal covers: every field that says what the message is, who it is for and until when. */
export interface Sealable {
  readonly kind: string;
  readonly name: string;
  readonly id: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly deadline: number;
  readonly identity?: string;
  readonly idempotencyKey?: string;
  readonly payload: unknown;
}

const SEAL_VERSION = 's1';
/** How far ahead a sealed message's deadline may be: a replay can only be refused while its seal is remembered. */
export const MAX_DEADLINE_AHEAD_MS = 10 * 60_000;
const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,59}$/;
const MAX_REMEMBERED = 100_000;

/** The seal's key: derived from the deployment's service secret, for this one use. */
export function sealKey(secret: string | Uint8Array): KeyObject {
  return createSecretKey(createHmac('sha256', secret).update('seams: seam message seal v1').digest());
}

/**
 * Nonces: this process's random prefix and a counter. They only make each attempt's seal
 * distinct (a retry is not a replay); the MAC is what cannot be forged. (Random bytes per
 * message cost several microseconds each; this costs nothing.)
 */
const NONCE_PREFIX = randomBytes(6).toString('base64url');
let nonces = 0;
const nextNonce = () => `${NONCE_PREFIX}${(nonces++).toString(36)}`;

function canonical(message: Sealable, sender: string, as: ActingAs, nonce: string): string {
  return [
    SEAL_VERSION,
    sender,
    as,
    nonce,
    message.kind,
    message.name,
    message.id,
    message.correlationId,
    message.causationId ?? '',
    String(message.deadline),
    message.identity ?? '',
    message.idempotencyKey ?? '',
    JSON.stringify(message.payload ?? null),
  ].join('\n');
}

/**
 * The seal of one message (`service` in its envelope): `<sender>.<as>.<nonce>.<mac>`, the MAC
 * an HMAC-SHA256 with the deployment's key over everything the message says (kind, name, ids,
 * deadline, the user's token, the payload) and for whom it acts. Each attempt is sealed anew
 * (a fresh nonce), so a retry is not a replay.
 */
export function sealOf(key: KeyObject, message: Sealable, sender: string, as: ActingAs, nonce = nextNonce()): string {
  const mac = createHmac('sha256', key).update(canonical(message, sender, as, nonce)).digest('base64url');
  return `${sender}.${as}.${nonce}.${mac}`;
}

/**
 * The seam's proof that a message comes from one of this deployment's processes, bound to the
 * message: every envelope carries a seal (see `sealOf`) made with a key derived from
 * `SEAMS_SERVICE_SECRET`. A receiver checks it, refuses a message whose seal does not match
 * what it says (altered, or sealed by someone else), and refuses one it has seen before
 * (remembered until its deadline, which may be at most 10 minutes ahead): whoever captures
 * a message can neither change it nor send it again, nor reuse its seal for another. On TCP
 * with mutual TLS the connection proves the peer as well; on a broker the seal is the proof.
 */
export class ServiceCredentials {
  private readonly seen = new Map<string, number>();

  private constructor(
    private readonly service: string,
    private readonly key: KeyObject,
  ) {}

  static async create(settings: AuthSettings, service: string): Promise<ServiceCredentials> {
    let secret = settings.serviceSecret;
    if (!secret) {
      if (settings.production) throw new InvalidOptionError('auth.serviceSecret is required in production');
      secret = await devServiceSecret(settings.authDir);
    }
    return new ServiceCredentials(service, sealKey(secret));
  }

  /** This process's seal of `message`, acting for its user (it carries their token) or for this service. */
  seal(message: Sealable, as: ActingAs): string {
    return sealOf(this.key, message, this.service, as);
  }

  /** Who sealed `message` and for whom it acts, or `UnauthenticatedError` saying what is wrong. */
  open(message: Partial<Sealable> & { readonly service?: unknown }): { service: string; as: ActingAs } {
    const seal = message.service;
    if (typeof seal !== 'string' || seal.length === 0) throw new UnauthenticatedError('The message carries no seal of this deployment');
    const [sender, as, nonce, mac, extra] = seal.split('.');
    if (extra !== undefined || !sender || !SERVICE_NAME.test(sender) || (as !== 'user' && as !== 'service') || !nonce || !mac) {
      throw new UnauthenticatedError('The message\'s seal is malformed');
    }
    const expected = Buffer.from(sealOf(this.key, message as Sealable, sender, as, nonce).split('.')[3]);
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new UnauthenticatedError('The message\'s seal does not match it: sealed by another deployment, or altered on the way');
    }
    const deadline = message.deadline as number;
    const now = Date.now();
    if (deadline > now + MAX_DEADLINE_AHEAD_MS) throw new UnauthenticatedError('The message\'s deadline is too far ahead to be sealed');
    if (this.seen.has(mac)) throw new UnauthenticatedError('This message was received before: a replay is refused');
    this.remember(mac, deadline, now);
    return { service: sender, as };
  }

  /** Who a sealed message acts for, as a principal. */
  principal(sender: string): Principal & { kind: 'service' } {
    return { kind: 'service', service: sender };
  }

  /**
   * Remembers a seal until its message's deadline. Seals come in roughly in deadline order, so
   * the expired ones are dropped from the front, a few per message (never a sweep of the whole
   * memory on the hot path); when it is full all the same, the oldest go.
   */
  private remember(mac: string, deadline: number, now: number): void {
    let dropped = 0;
    for (const [key, until] of this.seen) {
      if (until >= now && this.seen.size < MAX_REMEMBERED) break;
      this.seen.delete(key);
      if (++dropped >= 8 && this.seen.size < MAX_REMEMBERED) break;
    }
    this.seen.set(mac, deadline);
  }
}
