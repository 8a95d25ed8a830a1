import { Controller, Inject, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { patternOf, tcpPatternOf } from './envelope';
import { SeamReceiver } from './seam-receiver';

/**
 * A controller with one message pattern (`seams.<module>`) per module this process serves.
 * Built at start-up because which modules those are is configuration.
 */
export function seamController(modules: readonly string[], namespace?: string): Type<unknown> {
  class SeamController {
    constructor(readonly receiver: SeamReceiver) {}
  }
  Inject(SeamReceiver)(SeamController, undefined, 0);
  for (const module of modules) {
    const key = `serve_${module}`;
    const descriptor: PropertyDescriptor = {
      value(this: SeamController, envelope: unknown) {
        return this.receiver.receive(module, envelope);
      },
      writable: true,
      configurable: true,
    };
    Object.defineProperty(SeamController.prototype, key, descriptor);
    MessagePattern([patternOf(module, namespace), tcpPatternOf(module, namespace)])(SeamController.prototype, key, descriptor);
  }
  Controller()(SeamController);
  return SeamController;
}
