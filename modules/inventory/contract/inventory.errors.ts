/** Codes of the typed errors inventory's published messages may fail with. */
export const InventoryErrors = {
  /** Details: `sku`, `requested`, `available`. */
  insufficientStock: 'inventory.insufficient-stock',
} as const;
