import { createPublicKey, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { type AuthSettings, DEV_ISSUER } from './auth-settings';
import { devSigningKey } from './dev-issuer';
import { AuthUnavailableError, type Principal, UnauthenticatedError } from './principal';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Tokens already verified, until they expire, so a token is checked once per process, not once per message. */
const CACHE_SIZE = 1000;

type Key = JWTVerifyGetKey | KeyObject;

/**
 * Verifies bearer tokens: signature (against the issuer's keys), issuer, audience, expiry
 * and not-before (30 s of clock tolerance), and that there is a subject. The roles come from
 * the configured claim (an array, or a space-separated string).
 */
export class TokenVerifier {
  private readonly cache = new Map<string, { principal: Principal; expires: number }>();

  private constructor(
    private readonly settings: AuthSettings,
    private readonly keys: ReadonlyMap<string, Key>,
  ) {}

  static async create(settings: AuthSettings): Promise<TokenVerifier> {
    const keys = new Map<string, Key>();
    if (settings.issuer?.jwksUrl) keys.set(settings.issuer.issuer, createRemoteJWKSet(new URL(settings.issuer.jwksUrl)));
    if (settings.issuer?.publicKeyPem) keys.set(settings.issuer.issuer, createPublicKey(settings.issuer.publicKeyPem));
    if (settings.dev) keys.set(DEV_ISSUER, createLocalJWKSet({ keys: [(await devSigningKey(settings.authDir)).publicJwk] }));
    return new TokenVerifier(settings, keys);
  }

  /** The user an `Authorization` header value proves, or `UnauthenticatedError` saying why not. */
  async verify(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new UnauthenticatedError('A bearer token is required (Authorization: Bearer <token>)');
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization.trim());
    if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
    const token = match[1];
    const cached = this.cache.get(token);
    if (cached && cached.expires > Date.now()) return cached.principal;

    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new UnauthenticatedError('The bearer token is not a JWT');
    }
    const key = issuer === undefined ? undefined : this.keys.get(issuer);
    if (!key) throw new UnauthenticatedError('The bearer token comes from an issuer this service does not trust');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as KeyObject, {
        issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        clockTolerance: 30,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      if (issuerUnreachable(error)) throw new AuthUnavailableError(reasonOf(error));
      throw new UnauthenticatedError(`The bearer token is not valid: ${reasonOf(error)}`);
    }
    const principal: Principal = { kind: 'user', subject: payload.sub!, roles: rolesOf(payload[this.settings.rolesClaim]) };
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, { principal, expires: Math.min(payload.exp! * 1000, Date.now() + 5 * 60_000) });
    return principal;
  }
}

function rolesOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((role): role is string => typeof role === 'string');
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  return [];
}

/**
 * Whether verifying failed because the issuer's key set could not be had (a timeout, a network
 * error, an answer other than 200 or not a key set), not because of the token.
 */
function issuerUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (error instanceof errors.JOSEError) return /Expected 200 OK from the JSON Web Key Set HTTP response/.test(error.message);
  return true; // not jose's verdict on the token: fetch failed (refused, reset, DNS)
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim "${error.claim}" ${error.reason === 'check_failed' ? 'does not match' : 'is missing or invalid'}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm is not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches it';
  if (error instanceof errors.JOSEError) return error.code;
  return (error as Error)?.message ?? String(error);
}
