import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { StoresContractField } from '@seams/kernel/persistence';
import { ReserveStock } from '../contract';

@Entity({ schema: 'inventory', name: 'stock_items' })
export class StockItemEntity {
  /** Reserving locks (and saves) the rows of the skus a ReserveStock names. */
  @StoresContractField(ReserveStock, 'lines[].sku')
  @PrimaryColumn({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ name: 'on_hand', type: 'integer' })
  onHand: number;

  @Column({ type: 'integer' })
  reserved: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
