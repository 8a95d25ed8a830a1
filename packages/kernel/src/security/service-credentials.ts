import { jwtVerify, SignJWT } from 'jose';
import { type AuthSettings } from './auth-settings';
import { InvalidOptionError } from '../context';
import { devServiceSecret } from './dev-issuer';
import { type Principal, UnauthenticatedError } from './principal';

const ISSUER = 'seams-service';
const AUDIENCE = 'seams-seam';
const TTL_SECONDS = 120;

/**
 * The seam's proof that a message comes from one of this deployment's processes: a short-lived
 * HS256 JWT (`sub` = the sending process) signed with `SEAMS_SERVICE_SECRET`, in every
 * envelope (`service`). On TCP with mutual TLS the connection already proves this; on a
 * broker, where anyone with access to the subject or queue could publish, it is the only proof.
 * A process re-signs its credential every minute and caches credentials it has verified.
 */
export class ServiceCredentials {
  private current: { token: string; renewAt: number } | undefined;
  private readonly verified = new Map<string, { until: number; principal: Principal & { kind: 'service' } }>();

  private constructor(
    private readonly service: string,
    private readonly secret: Uint8Array,
  ) {}

  static async create(settings: AuthSettings, service: string): Promise<ServiceCredentials> {
    let secret = settings.serviceSecret;
    if (!secret) {
      if (settings.production) throw new InvalidOptionError('auth.serviceSecret is required in production');
      secret = await devServiceSecret(settings.authDir);
    }
    return new ServiceCredentials(service, new TextEncoder().encode(secret));
  }

  /** This process's credential if one is at hand and fresh, without waiting; else undefined (then call `credential()`). */
  cached(): string | undefined {
    return this.current && this.current.renewAt > Date.now() ? this.current.token : undefined;
  }

  /** This process's credential (cached; renewed well before it expires). */
  async credential(): Promise<string> {
    const now = Date.now();
    if (this.current && this.current.renewAt > now) return this.current.token;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(this.service)
      .setIssuedAt()
      .setExpirationTime(`${TTL_SECONDS}s`)
      .sign(this.secret);
    this.current = { token, renewAt: now + (TTL_SECONDS / 2) * 1000 };
    return token;
  }

  /** The sending service a credential proves, or `UnauthenticatedError`. */
  async verify(credential: unknown): Promise<Principal & { kind: 'service' }> {
    if (typeof credential !== 'string' || credential.length === 0 || credential.length > 2000) {
      throw new UnauthenticatedError('The message carries no service credential');
    }
    const known = this.verified.get(credential);
    if (known && known.until > Date.now()) return known.principal;
    try {
      const { payload } = await jwtVerify(credential, this.secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
      const principal = { kind: 'service' as const, service: payload.sub! };
      if (this.verified.size >= 1000) this.verified.clear();
      this.verified.set(credential, { until: payload.exp! * 1000, principal });
      return principal;
    } catch {
      throw new UnauthenticatedError('The message\'s service credential is not valid for this deployment');
    }
  }
}
