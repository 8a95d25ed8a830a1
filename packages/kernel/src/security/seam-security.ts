import { type AuthOptions, type AuthSettings, authSettings } from './auth-settings';
import { type Principal, UnauthenticatedError } from './principal';
import { ServiceCredentials } from './service-credentials';
import { TokenVerifier } from './token-verifier';

/**
 * The seam's side of security: this process's service credential for what it sends, and the
 * checks on what it receives (the sender's service credential, always; the end user's token,
 * again, when the message carries one), so a module host authorises by the end user, not by
 * whoever called it.
 */
export class SeamSecurity {
  private constructor(
    readonly settings: AuthSettings,
    readonly credentials: ServiceCredentials,
    readonly verifier: TokenVerifier,
  ) {}

  static async create(options: AuthOptions, service: string): Promise<SeamSecurity> {
    const settings = authSettings(options);
    return new SeamSecurity(settings, await ServiceCredentials.create(settings, service), await TokenVerifier.create(settings));
  }

  /** Who a received envelope acts for: its end user when it carries a token, else the sending service. */
  async principalOf(envelope: { service?: unknown; identity?: unknown }): Promise<Principal> {
    const service = await this.credentials.verify(envelope.service);
    if (envelope.identity === undefined) return service;
    if (typeof envelope.identity !== 'string') throw new UnauthenticatedError('The envelope\'s identity must be a bearer token');
    return this.verifier.verify(envelope.identity);
  }
}
