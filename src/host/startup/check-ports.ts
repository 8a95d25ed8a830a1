import { createServer } from 'node:net';
import type { Topology } from '@seams/kernel/seam';
import { nameFor, SETTINGS } from '../config';

/**
 * The ports this process will listen on, checked before anything starts: `PORT` for HTTP and
 * the `tcp://` address of every module it serves. One line per port another process holds
 * (or this process may not use), naming the setting; empty when all are free.
 */
export async function portProblems(port: number, topology: Topology): Promise<string[]> {
  const wanted: { setting: string; value: string; host?: string; port: number }[] = [{ setting: 'PORT', value: String(port), port }];
  const seen = new Set<string>();
  for (const { module, url } of topology.served) {
    const parsed = /^tcp:\/\/\[?([^\]/]*?)\]?:(\d+)\/?$/i.exec(url);
    if (!parsed || seen.has(url)) continue;
    seen.add(url);
    wanted.push({ setting: nameFor(SETTINGS.moduleUrl, module), value: url, host: parsed[1], port: Number(parsed[2]) });
  }
  const problems: string[] = [];
  for (const each of wanted) {
    const code = await tryListen(each.port, each.host);
    if (code) problems.push(portProblem(each.setting, each.value, each.port, code));
  }
  return problems;
}

/** The line for a listen that failed with `code` (`EADDRINUSE`, `EACCES`, ...). */
export function portProblem(setting: string, value: string, port: number, code: string): string {
  if (code === 'EADDRINUSE') {
    return `${setting}=${value}: port ${port} is taken by another process (EADDRINUSE); stop that process (is Seams already running?) or set ${setting} to a free port`;
  }
  if (code === 'EACCES') return `${setting}=${value}: this process may not listen on port ${port} (EACCES); use a port above 1023`;
  if (code === 'EADDRNOTAVAIL') return `${setting}=${value}: this machine has no such address (EADDRNOTAVAIL); use one of its own addresses, e.g. 127.0.0.1 or 0.0.0.0`;
  return `${setting}=${value}: cannot listen on port ${port} (${code})`;
}

function tryListen(port: number, host?: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
