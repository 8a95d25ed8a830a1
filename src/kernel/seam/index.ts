export { Seam } from './seam';
export { SeamModule } from './seam.module';
export { RequestContexts } from './request-context';
export type { RequestContext } from './request-context';
