/**
 * A start that cannot go on for a reason the operator can fix: bad or missing settings, a
 * database that refuses the connection, a port another process holds. `lines` are printed
 * as they are, one problem a line (naming the setting, the value and the fix), and the
 * process exits with code 2, without a stack trace.
 */
export class StartupProblem extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'StartupProblem';
  }
}

/** The exit code of a start refused for its configuration. */
export const CONFIGURATION_EXIT_CODE = 2;

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`: URLs in messages never show a password. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}
