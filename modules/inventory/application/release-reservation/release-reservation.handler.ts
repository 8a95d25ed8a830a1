import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ModuleDatabase } from '@seams/kernel/persistence';
import { assertMayActFor } from '@seams/kernel/security';
import { INVENTORY_ROLES } from '../../inventory.roles';
import { ReleaseReservation } from '../../contract';
import { ReservationRepository } from '../../infrastructure/reservation.repository';
import { ReservationSettlement } from '../settle-reservation/reservation-settlement';

@CommandHandler(ReleaseReservation)
export class ReleaseReservationHandler implements ICommandHandler<ReleaseReservation, void> {
  constructor(
    private readonly settlement: ReservationSettlement,
    private readonly database: ModuleDatabase,
    private readonly reservations: ReservationRepository,
  ) {}

  /** Only the user the reservation was made for, an admin, or a service may release it. */
  async execute({ orderId }: ReleaseReservation): Promise<void> {
    const existing = await this.reservations.ownerOf(this.database.dataSource.manager, orderId);
    if (!existing) return; // nothing held: idempotent
    assertMayActFor(existing.owner, `the reservation of order ${orderId}`, INVENTORY_ROLES.admin);
    await this.settlement.release(orderId);
  }
}
