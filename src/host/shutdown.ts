/** Graceful shutdown is the kernel's (`@seams/kernel/host`); its time budget comes from the settings (`SEAMS_SHUTDOWN_TIMEOUT_MS`). */
export { shutDownGracefully } from '@seams/kernel/host';
