import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertMayActFor, currentPrincipal } from '@seams/kernel/security';
import { INVENTORY_ROLES } from '../../inventory.roles';
import { ReleaseReservation } from '../../contract';
import type { ReservationRepository } from '../../domain/reservation.repository';
import { RESERVATION_READS } from '../../inventory.di-tokens';
import { ReservationSettlement } from '../settle-reservation/reservation-settlement';

@CommandHandler(ReleaseReservation)
export class ReleaseReservationHandler implements ICommandHandler<ReleaseReservation, void> {
  constructor(
    private readonly settlement: ReservationSettlement,
    @Inject(RESERVATION_READS) private readonly reservations: Pick<ReservationRepository, 'ownerOf'>,
  ) {}

  /**
   * Only the user the reservation was made for, an admin, or a service may release it. With
   * nothing reserved yet, the release leaves a tombstone, so a reservation that arrives late
   * (sent before the release, committed after it) holds nothing.
   */
  async execute({ orderId }: ReleaseReservation): Promise<void> {
    const existing = await this.reservations.ownerOf(orderId);
    if (!existing) {
      const principal = currentPrincipal();
      if (await this.settlement.tombstone(orderId, principal?.kind === 'user' ? principal.subject : null)) return;
      // A reservation was stored meanwhile: release it as any other.
    }
    const owner = existing ?? (await this.reservations.ownerOf(orderId));
    assertMayActFor(owner?.owner, `the reservation of order ${orderId}`, INVENTORY_ROLES.admin);
    await this.settlement.release(orderId);
  }
}
