import { type AuthOptions, type AuthSettings, authSettings } from './auth-settings';
import { type Principal, UnauthenticatedError } from './principal';
import { type Sealable, ServiceCredentials } from './service-credentials';
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

  /**
   * Who a received envelope acts for, after its seal is checked: the end user whose token it
   * carries (checked again here), or the sending service when it was sealed as acting for
   * itself. A message that acts for nobody is refused: no principal, no access.
   */
  async principalOf(envelope: Partial<Sealable> & { service?: unknown; identity?: unknown }): Promise<Principal> {
    const { service, as } = this.credentials.open(envelope);
    if (as === 'service') {
      if (envelope.identity !== undefined) throw new UnauthenticatedError('A message sealed as acting for a service carries no user\'s token');
      return this.credentials.principal(service);
    }
    if (typeof envelope.identity !== 'string') throw new UnauthenticatedError('The message acts for a user but carries no user\'s token');
    return this.verifier.verify(envelope.identity);
  }
}
