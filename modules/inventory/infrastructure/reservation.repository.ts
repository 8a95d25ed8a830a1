import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Reservation } from '../domain/reservation';
import { ReservationEntity } from './reservation.entity';

@Injectable()
export class ReservationRepository {
  /** The order's reservation, locked for the rest of the transaction. */
  async lock(manager: EntityManager, orderId: string): Promise<Reservation | undefined> {
    const row = await manager.findOne(ReservationEntity, {
      where: { orderId },
      lock: { mode: 'pessimistic_write' },
    });
    return row ? Reservation.restore(row) : undefined;
  }

  async add(manager: EntityManager, reservation: Reservation, owner: string | null): Promise<void> {
    const { orderId, lines, status } = reservation.toJSON();
    await manager.insert(ReservationEntity, { orderId, lines: [...lines], status, owner });
  }

  /** Whether the order has a reservation, and whom it was made for. */
  async ownerOf(manager: EntityManager, orderId: string): Promise<{ owner: string | null } | undefined> {
    const row = await manager.findOne(ReservationEntity, { where: { orderId }, select: { orderId: true, owner: true } });
    return row ? { owner: row.owner } : undefined;
  }

  async saveStatus(manager: EntityManager, reservation: Reservation): Promise<void> {
    await manager.update(ReservationEntity, { orderId: reservation.orderId }, { status: reservation.status });
  }
}
