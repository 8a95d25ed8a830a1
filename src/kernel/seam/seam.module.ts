import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LocalSeam } from './local-seam';
import { Seam } from './seam';

/** Provides the `Seam` to every module. Imported once, by the host. */
@Global()
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [{ provide: Seam, useClass: LocalSeam }],
  exports: [Seam, CqrsModule],
})
export class SeamModule {}
