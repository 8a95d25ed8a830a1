import { returnedRows } from '@seams/kernel/persistence';
import type { EntityManager } from 'typeorm';
import type { Reservation } from '../domain/reservation';
import type { ReservationRepository } from '../domain/reservation.repository';
import { ReservationEntity } from './reservation.entity';
import { ReservationMapper } from './reservation.mapper';

/** `ReservationRepository` on one entity manager. */
export class TypeOrmReservationRepository implements ReservationRepository {
  constructor(private readonly manager: EntityManager) {}

  async lock(orderId: string): Promise<Reservation | undefined> {
    const row = await this.manager.findOne(ReservationEntity, { where: { orderId }, lock: { mode: 'pessimistic_write' } });
    return row ? ReservationMapper.toDomain(row) : undefined;
  }

  async add(reservation: Reservation, owner: string | null): Promise<boolean> {
    const row = ReservationMapper.toPersistence(reservation, owner);
    const inserted = returnedRows(await this.manager.query(
      `INSERT INTO inventory.reservations (order_id, lines, status, owner) VALUES ($1, $2, $3, $4) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [row.orderId, JSON.stringify(row.lines), row.status, row.owner],
    ));
    return inserted.length > 0;
  }

  async ownerOf(orderId: string): Promise<{ owner: string | null } | undefined> {
    const row = await this.manager.findOne(ReservationEntity, { where: { orderId }, select: { orderId: true, owner: true } });
    return row ? { owner: row.owner } : undefined;
  }

  async saveStatus(reservation: Reservation): Promise<void> {
    await this.manager.update(ReservationEntity, { orderId: reservation.orderId }, { status: reservation.status });
  }
}
