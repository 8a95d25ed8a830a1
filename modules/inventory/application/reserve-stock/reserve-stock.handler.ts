import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ModuleDatabase } from '@seams/kernel/persistence';
import { assertMayActFor, currentPrincipal, ForbiddenError, isInternal, userHasRole } from '@seams/kernel/security';
import { INVENTORY_ROLES } from '../../inventory.roles';
import { ReserveStock } from '../../contract';
import { Reservation } from '../../domain/reservation';
import { ReservationRepository } from '../../infrastructure/reservation.repository';
import { StockRepository } from '../../infrastructure/stock.repository';

@CommandHandler(ReserveStock)
export class ReserveStockHandler implements ICommandHandler<ReserveStock, void> {
  constructor(
    private readonly database: ModuleDatabase,
    private readonly stock: StockRepository,
    private readonly reservations: ReservationRepository,
  ) {}

  /**
   * For a customer or an admin (the end user behind the request, checked again here when the
   * message came across the seam) or a service of this deployment; the reservation remembers
   * the user, so only they (or an admin) can release it later.
   */
  async execute({ orderId, lines }: ReserveStock): Promise<void> {
    const principal = currentPrincipal();
    if (!isInternal(principal) && !userHasRole(principal, INVENTORY_ROLES.customer, INVENTORY_ROLES.admin)) {
      throw new ForbiddenError('Reserving stock needs the customer or admin role', { required: [INVENTORY_ROLES.customer, INVENTORY_ROLES.admin] });
    }
    const owner = principal?.kind === 'user' ? principal.subject : null;
    await this.database.transaction(async ({ manager }) => {
      // Stock rows first (in sku order), then the check for an earlier reservation: a retry
      // racing the first attempt waits on the rows and then sees its committed reservation.
      const items = await this.stock.lock(manager, lines.map((line) => line.sku));
      if (await this.reservations.lock(manager, orderId)) {
        const existing = await this.reservations.ownerOf(manager, orderId);
        return assertMayActFor(existing?.owner, `the reservation of order ${orderId}`, INVENTORY_ROLES.admin);
      }
      const reservation = Reservation.hold(orderId, lines, items);
      await this.stock.save(manager, items.values());
      await this.reservations.add(manager, reservation, owner);
    });
  }
}
