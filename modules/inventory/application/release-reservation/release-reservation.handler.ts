import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ReleaseReservation } from '../../contract';
import { ReservationSettlement } from '../settle-reservation/reservation-settlement';

@CommandHandler(ReleaseReservation)
export class ReleaseReservationHandler implements ICommandHandler<ReleaseReservation, void> {
  constructor(private readonly settlement: ReservationSettlement) {}

  async execute({ orderId }: ReleaseReservation): Promise<void> {
    await this.settlement.release(orderId);
  }
}
