import { Reservation } from '../domain/reservation';
import type { ReservationEntity } from './reservation.entity';

/** Between a `reservations` row and the domain; every field is named. */
export const ReservationMapper = {
  toDomain(row: ReservationEntity): Reservation {
    return Reservation.restore({
      orderId: row.orderId,
      lines: row.lines.map(({ sku, quantity }) => ({ sku, quantity })),
      status: row.status,
    });
  },

  toPersistence(reservation: Reservation, owner: string | null): Pick<ReservationEntity, 'orderId' | 'lines' | 'status' | 'owner'> {
    const { orderId, lines, status } = reservation.toJSON();
    return { orderId, lines: lines.map(({ sku, quantity }) => ({ sku, quantity })), status, owner };
  },
};
