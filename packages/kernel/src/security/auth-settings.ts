import { InvalidOptionError } from '../context';

/**
 * Who may issue the bearer tokens this deployment accepts (an OAuth 2.0 resource server's
 * view), as typed options: the host builds them from its settings (for example
 * `src/host/config/settings.ts`) and `authSettings` checks them.
 */
export interface AuthOptions {
  /** A trusted issuer: its `iss`, and its signing keys (a JWKS URL, or a public key in PEM). */
  readonly issuer?: { readonly issuer: string; readonly jwksUrl?: string; readonly publicKeyPem?: string };
  /** The `aud` tokens must carry (default `seams`). */
  readonly audience?: string;
  /** The claim holding the user's roles (default `roles`). */
  readonly rolesClaim?: string;
  /** Also trust the development issuer (`seams-dev`, a key kept in `authDir`); refused in production. */
  readonly dev?: boolean;
  /** Where the development issuer's key and the generated service secret are kept. */
  readonly authDir: string;
  /** The secret (32+ characters) processes of one deployment sign their service credential with; generated in `authDir` outside production when unset. */
  readonly serviceSecret?: string;
  /** Production refuses the development issuer and a missing service secret. */
  readonly production?: boolean;
}

/** Checked auth options, every default filled in. */
export interface AuthSettings extends AuthOptions {
  readonly audience: string;
  readonly rolesClaim: string;
  readonly dev: boolean;
  readonly production: boolean;
}

export const DEV_ISSUER = 'seams-dev';

/** Fills in the defaults and refuses options that cannot work together, in one line each. */
export function authSettings(options: AuthOptions): AuthSettings {
  const production = options.production ?? false;
  const dev = options.dev ?? false;
  if (dev && production) {
    throw new InvalidOptionError('auth.dev is refused in production: the development issuer signs tokens anyone with its folder can make');
  }
  const issuer = options.issuer;
  if (issuer) {
    if (!issuer.issuer) throw new InvalidOptionError('auth.issuer.issuer (the `iss` tokens carry) must not be empty');
    if (issuer.jwksUrl && issuer.publicKeyPem) throw new InvalidOptionError('auth.issuer takes a jwksUrl or a publicKeyPem, not both');
    if (!issuer.jwksUrl && !issuer.publicKeyPem) throw new InvalidOptionError(`auth.issuer "${issuer.issuer}" needs a jwksUrl or a publicKeyPem`);
    if (issuer.jwksUrl && !/^https?:\/\//.test(issuer.jwksUrl)) {
      throw new InvalidOptionError(`auth.issuer.jwksUrl must be an http(s) URL, not "${issuer.jwksUrl}"`);
    }
  }
  if (options.serviceSecret !== undefined && options.serviceSecret.length < 32) {
    throw new InvalidOptionError('auth.serviceSecret must be at least 32 characters');
  }
  if (!options.authDir) throw new InvalidOptionError('auth.authDir (where development keys are kept) must be set');
  return { ...options, audience: options.audience || 'seams', rolesClaim: options.rolesClaim || 'roles', dev, production };
}
