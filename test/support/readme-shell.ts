import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes';
import { type Answer, compareAnswer, missingInOrder, type Outcome, type Step } from './readme-blocks';

/**
 * Runs the README's shell commands the way a reader pastes them: in one bash session (so
 * `ADMIN=$(…)` is there for the next command), from the repository folder, with the real
 * `curl`. `curl` is wrapped in a function that also keeps each response's headers and body,
 * so a command's answer can be checked whatever the command does with its output.
 */
export class ReadmeShell {
  private readonly bash: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'seams-readme-'));
  private stdout = '';
  private stderr = '';
  private steps = 0;
  private readonly terminals: { name: string; child: ChildProcess; output: () => string }[] = [];

  /**
   * `env`: the reader's environment (PATH and HOME are added). `rewrite`: what the test changes
   * in a command before it runs (ports, for one).
   */
  constructor(
    private readonly env: Record<string, string>,
    private readonly rewrite: (text: string) => string,
  ) {
    this.bash = spawn('bash', ['--norc', '--noprofile'], { cwd: ROOT, env: this.environment(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.bash.stdout!.on('data', (chunk) => (this.stdout += chunk));
    this.bash.stderr!.on('data', (chunk) => (this.stderr += chunk));
    this.bash.stdin!.write(
      'curl() { local f; f="$__readme_dir/$(date +%s%N)-$BASHPID-$RANDOM"; command curl -D "$f.h" -o "$f.b" "$@"; local rc=$?; cat "$f.b" 2>/dev/null; return $rc; }\n',
    );
  }

  private environment(): Record<string, string> {
    return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), LANG: 'C.UTF-8', ...this.env };
  }

  /** Runs one command; resolves with what it printed, its exit code and its last curl's response. */
  async run(command: string, timeoutMs = 30000): Promise<Outcome & { code: number; stderr: string }> {
    const stepDir = join(this.dir, String(++this.steps));
    mkdirSync(stepDir);
    const marker = `__readme_${randomBytes(6).toString('hex')}`;
    const [outFrom, errFrom] = [this.stdout.length, this.stderr.length];
    this.bash.stdin!.write(`__readme_dir=${stepDir}\n${this.rewrite(command)}\nprintf '\\n${marker} %s\\n' $?; printf '\\n${marker}\\n' >&2\n`);
    const deadline = Date.now() + timeoutMs;
    const done = new RegExp(`\\n${marker} (\\d+)\\n`);
    while (!(done.test(this.stdout.slice(outFrom)) && this.stderr.slice(errFrom).includes(`\n${marker}\n`))) {
      if (this.bash.exitCode !== null) throw new Error(`bash exited running:\n${command}\nstderr: ${this.stderr.slice(errFrom)}`);
      if (Date.now() > deadline) throw new Error(`no end within ${timeoutMs} ms of:\n${command}\nstdout: ${this.stdout.slice(outFrom)}\nstderr: ${this.stderr.slice(errFrom)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const out = this.stdout.slice(outFrom);
    const end = done.exec(out)!;
    return {
      stdout: out.slice(0, end.index),
      code: Number(end[1]),
      stderr: this.stderr.slice(errFrom).replace(`\n${marker}\n`, ''),
      response: lastResponse(stepDir),
    };
  }

  /**
   * Runs a step and checks its answer; with `# (wait: …)`, repeats it until the answer matches
   * (the answer depends on work the app does in the background). Resolves with the problems
   * left (none when it matches).
   */
  async check(step: Step, waitMs = 20000): Promise<string[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const outcome = await this.run(step.command);
      const problems = this.problemsOf(step, outcome);
      if (problems.length === 0 || !step.wait || Date.now() > deadline) {
        return problems.map((problem) => `README line ${step.line}: ${problem}\n  command: ${step.command}${step.wait ? `\n  (repeated for ${waitMs} ms: wait: ${step.wait})` : ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private problemsOf(step: Step, outcome: Outcome & { code: number; stderr: string }): string[] {
    if (outcome.code !== 0) return [`exit code ${outcome.code}; stderr: ${outcome.stderr}`];
    if (!step.answer) {
      // A command whose answer is not written must still succeed.
      const status = outcome.response?.status;
      return status !== undefined && status >= 400 ? [`answered ${status} (no answer is written, so it must succeed): ${outcome.response!.body}`] : [];
    }
    return compareAnswer(this.rewritten(step.answer), outcome);
  }

  private rewritten(answer: Answer): Answer {
    return { ...answer, text: answer.text.map(this.rewrite), headers: answer.headers.map(([name, value]) => [name, this.rewrite(value)] as const) };
  }

  /**
   * Starts a `# terminal N:` command in a bash of its own (its own process group, stopped by
   * `close`), and waits until the lines written under it appear in its output (log lines as
   * `[context] message`). Resolves with the lines that did not appear (none when all did).
   */
  async start(step: Step, render: (output: string) => string[], timeoutMs = 45000): Promise<string[]> {
    let output = '';
    const child = spawn('bash', ['--norc', '--noprofile', '-c', this.rewrite(step.command)], {
      cwd: ROOT,
      env: this.environment(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    this.terminals.push({ name: step.terminal ?? 'terminal', child, output: () => output });
    const expected = (step.answer?.text ?? []).map(this.rewrite);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = missingInOrder(expected, render(output));
      if (!missing) return [];
      if (child.exitCode !== null || Date.now() > deadline) {
        return [`README line ${step.line}: ${step.terminal} never printed\n  ${missing}\n  command: ${step.command}\n  it printed:\n${render(output).join('\n')}`];
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The output so far of the terminal started as `name`. */
  terminalOutput(name: string): string {
    return this.terminals.find((terminal) => terminal.name === name)?.output() ?? '';
  }

  /** Stops the terminals (SIGTERM to each process group, SIGKILL after 15 s), then the session. */
  async close(): Promise<void> {
    await Promise.all(
      this.terminals.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid!, 'SIGTERM');
        const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15000);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.bash.stdin!.end();
    if (this.bash.exitCode === null) await new Promise((resolve) => this.bash.once('exit', resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The response of the step's last curl (the wrapper names files by time), if any. */
function lastResponse(stepDir: string): Outcome['response'] {
  const files = readdirSync(stepDir).filter((name) => name.endsWith('.h')).sort();
  if (files.length === 0) return undefined;
  const base = join(stepDir, files.at(-1)!.slice(0, -2));
  const head = readFileSync(`${base}.h`, 'utf8');
  // The last status line wins (a 100 Continue comes first).
  const blocks = head.split(/\r?\n\r?\n/).filter((block) => /^HTTP\//.test(block));
  const last = blocks.at(-1) ?? '';
  const status = Number(/^HTTP\/\S+ (\d{3})/.exec(last)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of last.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = '';
  try {
    body = readFileSync(`${base}.b`, 'utf8');
  } catch {
    // no body
  }
  // With `curl -i` the body file starts with the headers too.
  if (/^HTTP\//.test(body)) body = body.split(/\r?\n\r?\n/).filter((part) => !/^HTTP\//.test(part)).join('\n\n');
  return { status, headers, body };
}

/**
 * A process's output as the README shows it: a JSON log line as `[context] message`, any other
 * line as it is.
 */
export function renderOutput(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      if (!line.startsWith('{')) return [line];
      try {
        const entry = JSON.parse(line) as { context?: string; msg?: string; req?: unknown; res?: unknown };
        if (entry.req !== undefined || entry.res !== undefined) return [];
        return [entry.context ? `[${entry.context}] ${entry.msg ?? ''}` : (entry.msg ?? line)];
      } catch {
        return [line];
      }
    });
}
