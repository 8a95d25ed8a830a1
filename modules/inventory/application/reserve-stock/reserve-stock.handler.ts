import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertMayActFor, currentPrincipal, ForbiddenError, isInternal, userHasRole } from '@seams/kernel/security';
import { INVENTORY_ROLES } from '../../inventory.roles';
import { ReserveStock, ReserveStockV2 } from '../../contract';
import type { StockLine } from '../../contract';
import { Reservation } from '../../domain/reservation';
import { ReservationReleasedError } from '../../domain/inventory.errors';
import { INVENTORY_UNIT_OF_WORK } from '../../inventory.di-tokens';
import type { InventoryUnitOfWork } from '../ports/inventory.unit-of-work';

@CommandHandler(ReserveStock)
export class ReserveStockHandler implements ICommandHandler<ReserveStock, void> {
  constructor(@Inject(INVENTORY_UNIT_OF_WORK) private readonly unitOfWork: InventoryUnitOfWork) {}

  execute({ orderId, lines }: ReserveStock): Promise<void> {
    return reserve(this.unitOfWork, orderId, lines);
  }
}

/** `inventory.reserve-stock.v2`: the same reservation, its lines named `items`. */
@CommandHandler(ReserveStockV2)
export class ReserveStockV2Handler implements ICommandHandler<ReserveStockV2, void> {
  constructor(@Inject(INVENTORY_UNIT_OF_WORK) private readonly unitOfWork: InventoryUnitOfWork) {}

  execute({ orderId, items }: ReserveStockV2): Promise<void> {
    return reserve(this.unitOfWork, orderId, items);
  }
}

/**
 * For a customer or an admin (the end user behind the request, checked again here when the
 * message came across the seam) or a service of this deployment; the reservation remembers
 * the user, so only they (or an admin) can release it later.
 */
async function reserve(unitOfWork: InventoryUnitOfWork, orderId: string, lines: readonly StockLine[]): Promise<void> {
  const principal = currentPrincipal();
  if (!isInternal(principal) && !userHasRole(principal, INVENTORY_ROLES.customer, INVENTORY_ROLES.admin)) {
    throw new ForbiddenError('Reserving stock needs the customer or admin role', { required: [INVENTORY_ROLES.customer, INVENTORY_ROLES.admin] });
  }
  const owner = principal?.kind === 'user' ? principal.subject : null;
  await unitOfWork.run(async ({ stock, reservations }) => {
    // Stock rows first (in sku order), then the check for an earlier reservation: a retry
    // racing the first attempt waits on the rows and then sees its committed reservation.
    const items = await stock.lock(lines.map((line) => line.sku));
    const earlier = await reservations.lock(orderId);
    if (earlier) {
      const existing = await reservations.ownerOf(orderId);
      assertMayActFor(existing?.owner, `the reservation of order ${orderId}`, INVENTORY_ROLES.admin);
      // Released before this arrived (a release found nothing and left a tombstone): hold nothing.
      if (earlier.isTombstone) throw new ReservationReleasedError(orderId);
      return;
    }
    const reservation = Reservation.hold(orderId, lines, items);
    await stock.save(items.values());
    // A release may have left its tombstone since the lock above found nothing: then nothing is held (this rolls back).
    if (!(await reservations.add(reservation, owner))) throw new ReservationReleasedError(orderId);
  });
}
