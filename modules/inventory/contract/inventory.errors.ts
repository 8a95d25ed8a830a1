/** Codes of the typed errors inventory's published messages may fail with. */
export const InventoryErrors = {
  /** Details: `sku`, `requested`, `available`. */
  insufficientStock: 'inventory.insufficient-stock',
  /** The order's stock was released before this reservation arrived (a late reserve): nothing held. Details: `orderId`. */
  reservationReleased: 'inventory.reservation-released',
} as const;
