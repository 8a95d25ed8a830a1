import { RequestContexts } from '../context';
import type { Command, Query } from '../primitives';
import { Seam } from '../seam';

/**
 * `seam`, sending as the service `service` when the caller's work acts for nobody: what a test
 * or a script calling the seam directly needs, since work with no principal is refused. Inside
 * a request or a job, the caller's own principal goes on unchanged.
 */
export function serviceSeam(seam: Seam, service = 'test'): Seam {
  const as = <T>(work: () => Promise<T>): Promise<T> => (RequestContexts.current()?.principal ? work() : RequestContexts.runAsService(service, work));
  return new (class extends Seam {
    send<TResult>(command: Command<TResult>): Promise<TResult> {
      return as(() => seam.send(command));
    }

    ask<TResult>(query: Query<TResult>): Promise<TResult> {
      return as(() => seam.ask(query));
    }
  })();
}
