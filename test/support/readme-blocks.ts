/**
 * Reads the README's runnable parts: its sections, their code blocks, the commands of a shell
 * block with the answers written under them, and compares an answer with what came back.
 * The convention is described in docs/readme-checks.md; test/readme/ runs it.
 */

/** `…` in an answer: any value (a whole value or member), or any characters inside a string or a line. */
export const ANY = '…';

export interface CodeBlock {
  /** The info string after the opening fence (`sh`, or '' for plain output). */
  readonly lang: string;
  readonly text: string;
  /** 1-based line of the block's first content line in the Markdown file. */
  readonly line: number;
}

/**
 * The text of the section that starts with `heading` (the whole heading line, e.g. `## API`),
 * up to the next heading of the same or a higher level. Throws if the heading is missing, so a
 * renamed section fails the test that reads it instead of checking nothing.
 */
export function section(markdown: string, heading: string): { text: string; line: number } {
  const lines = markdown.split('\n');
  const level = /^#+/.exec(heading)![0].length;
  let inFence = false;
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    if (/^```/.test(lines[i])) inFence = !inFence;
    if (inFence) continue;
    const match = /^(#+) /.exec(lines[i]);
    if (start < 0) {
      if (lines[i].trim() === heading) start = i;
    } else if (match && match[1].length <= level) {
      return { text: lines.slice(start, i).join('\n'), line: start + 1 };
    }
  }
  if (start < 0) throw new Error(`the heading "${heading}" is missing`);
  return { text: lines.slice(start).join('\n'), line: start + 1 };
}

/** The fenced code blocks of `markdown`; `firstLine` is the file line `markdown` starts at. */
export function codeBlocks(markdown: string, firstLine = 1): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && /^```\s*$/.test(line));
    if (end < 0) throw new Error(`the code block at line ${firstLine + i} is not closed`);
    blocks.push({ lang: open[1], text: lines.slice(i + 1, end).join('\n'), line: firstLine + i + 1 });
    i = end;
  }
  return blocks;
}

/** What the README says a command answers. */
export interface Answer {
  /** The HTTP status of the command's (last) `curl`; 200 when the answer gives a body but no status. */
  readonly status?: number;
  /** Headers of that response: `# Name: value` lines under the status line. */
  readonly headers: readonly (readonly [string, string])[];
  /** The JSON body, as a pattern (`…` marks variable values; see `parsePattern`). */
  readonly body?: unknown;
  /** Lines of text the command prints (for a command started in its own terminal: lines among its output). */
  readonly text: readonly string[];
  readonly line: number;
}

export interface Step {
  /** The command as written, continuation lines joined with their backslashes. */
  readonly command: string;
  readonly line: number;
  /** `# terminal 1: …` above the command: it runs in the background, in its own terminal. */
  readonly terminal?: string;
  /** `# (wait: …)` under the command: the answer comes from background work; the test repeats the command until it does. */
  readonly wait?: string;
  readonly answer?: Answer;
}

const WAIT = /^\(wait: ?(.*)\)$/;
const TERMINAL = /^(terminal \S+?):/;
const STATUS = /^(\d{3})(?:\s+(.*))?$/;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/;

/**
 * The commands of a shell block, each with the answer written in the comment lines right under
 * it. A comment after a blank line (or at the top) is narration, except `# terminal N: …`,
 * which says the next command runs in a terminal of its own.
 */
export function shellSteps(block: CodeBlock): Step[] {
  const lines = block.text.split('\n');
  const steps: Step[] = [];
  let terminal: string | undefined;
  let current: { command: string; line: number; terminal?: string; wait?: string; answerLines: { text: string; line: number }[] } | undefined;
  const finish = () => {
    if (current) steps.push({ command: current.command, line: current.line, terminal: current.terminal, wait: current.wait, answer: parseAnswer(current.answerLines) });
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const at = block.line + i;
    if (line.trim() === '') {
      finish();
      continue;
    }
    if (line.startsWith('#')) {
      const comment = line.replace(/^# ?/, '');
      if (current) {
        const wait = WAIT.exec(comment.trim());
        if (wait && current.answerLines.length === 0) current.wait = wait[1];
        else current.answerLines.push({ text: comment, line: at });
      } else {
        const named = TERMINAL.exec(comment.trim());
        if (named) terminal = named[1];
      }
      continue;
    }
    finish();
    let command = line;
    const start = at;
    while (command.endsWith('\\') && i + 1 < lines.length) command += `\n${lines[++i]}`;
    current = { command, line: start, terminal, answerLines: [] };
    terminal = undefined;
  }
  finish();
  return steps;
}

function parseAnswer(lines: readonly { text: string; line: number }[]): Answer | undefined {
  if (lines.length === 0) return undefined;
  let status: number | undefined;
  const headers: [string, string][] = [];
  const rest = lines.map((line) => line.text);
  const status0 = STATUS.exec(rest[0].trim());
  if (status0) {
    status = Number(status0[1]);
    rest[0] = status0[2] ?? '';
    if (rest[0] === '') rest.shift();
    while (rest.length > 0 && HEADER.test(rest[0].trim()) && !/^[[{]/.test(rest[0].trim())) {
      const [, name, value] = HEADER.exec(rest[0].trim())!;
      headers.push([name, value]);
      rest.shift();
    }
  }
  const joined = rest.map((line) => line.trim()).join(' ').trim();
  // JSON starts with `{`, or with `[` and a value (`[Seams] …` is a line of text).
  if (/^(\{|\[\s*([[{"\]…\d-]|true|false|null))/.test(joined)) {
    try {
      return { status: status ?? 200, headers, body: parsePattern(joined), text: [], line: lines[0].line };
    } catch (error) {
      throw new Error(`README line ${lines[0].line}: the answer is not JSON (with … for variable parts): ${(error as Error).message}\n${joined}`, { cause: error });
    }
  }
  return { status, headers, text: rest.map((line) => line.trim()).filter(Boolean), line: lines[0].line };
}

/**
 * JSON in which `…` may stand for a member (`{…, "status": "CANCELLED", …}`: other members
 * may be there), a value (`"createdAt": …`) or an array's further elements (`[{…}, …]`).
 * Inside a string, `…` matches any characters (`"…"`: any value at all).
 */
export function parsePattern(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      out += char;
      if (char === '\\') out += text[++i];
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
    } else if (char === ANY) {
      // In an object, a member of its own; elsewhere, a value.
      const before = out.trimEnd().slice(-1);
      const inObject = before === '{' || (before === ',' && enclosing(out) === '{');
      out += inObject ? `"${ANY}":"${ANY}"` : `"${ANY}"`;
    } else out += char;
  }
  return JSON.parse(out);
}

/** The bracket that encloses the end of `json` (ignoring strings). */
function enclosing(json: string): string | undefined {
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') stack.push(char);
    else if (char === '}' || char === ']') stack.pop();
  }
  return stack.at(-1);
}

/** Whether `actual` matches `expected`, a text with `…` for any characters. */
export function matchesText(expected: string, actual: string): boolean {
  const pattern = expected.split(ANY).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`, 's').test(actual);
}

/**
 * The differences between a JSON pattern (`parsePattern`) and a value, one line each with its
 * path; none when they match. Object members may come in any order; array elements in order.
 */
export function compareJson(expected: unknown, actual: unknown, path = '$'): string[] {
  if (typeof expected === 'string') {
    if (expected === ANY) return actual === undefined ? [`${path}: missing`] : [];
    if (expected.includes(ANY)) return typeof actual === 'string' && matchesText(expected, actual) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
    const open = expected.at(-1) === ANY;
    const items = open ? expected.slice(0, -1) : expected;
    if (open ? actual.length < items.length : actual.length !== items.length) {
      return [`${path}: expected ${open ? 'at least ' : ''}${items.length} elements, got ${actual.length}: ${JSON.stringify(actual)}`];
    }
    return items.flatMap((item, i) => compareJson(item, actual[i], `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    const wanted = expected as Record<string, unknown>;
    const got = actual as Record<string, unknown>;
    const open = ANY in wanted;
    const problems = Object.keys(wanted)
      .filter((key) => key !== ANY)
      .flatMap((key) => (key in got ? compareJson(wanted[key], got[key], `${path}.${key}`) : [`${path}.${key}: missing`]));
    if (!open) problems.push(...Object.keys(got).filter((key) => !(key in wanted)).map((key) => `${path}.${key}: not in the README (${JSON.stringify(got[key])})`));
    return problems;
  }
  return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** What a command got back, for `compareAnswer`. */
export interface Outcome {
  /** The last `curl` of the command: its status, headers (lower-case names) and body. */
  readonly response?: { readonly status: number; readonly headers: Record<string, string>; readonly body: string };
  /** What the command printed on stdout. */
  readonly stdout: string;
}

/** The differences between an answer and what came back; none when they match. */
export function compareAnswer(answer: Answer, outcome: Outcome): string[] {
  const problems: string[] = [];
  const response = outcome.response;
  if (answer.status !== undefined || answer.body !== undefined || answer.headers.length > 0) {
    if (!response) return ['no curl answered'];
    if (answer.status !== undefined && response.status !== answer.status) problems.push(`status: expected ${answer.status}, got ${response.status}`);
    for (const [name, value] of answer.headers) {
      const got = response.headers[name.toLowerCase()];
      if (got === undefined || !matchesText(value, got)) problems.push(`header ${name}: expected ${JSON.stringify(value)}, got ${JSON.stringify(got)}`);
    }
    if (answer.body !== undefined) {
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch {
        return [...problems, `body: not JSON: ${response.body.slice(0, 500)}`];
      }
      const differences = compareJson(answer.body, body);
      if (differences.length > 0) problems.push(...differences.map((problem) => `body ${problem}`), `the whole body: ${response.body}`);
    }
  }
  if (answer.text.length > 0) {
    const printed = outcome.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
    if (printed.length !== answer.text.length || answer.text.some((line, i) => !matchesText(line, printed[i]))) {
      problems.push(`printed:\n${printed.join('\n')}\nexpected:\n${answer.text.join('\n')}`);
    }
  }
  return problems;
}

/**
 * Whether `expected` lines appear in `actual`, in order (others may come between); the first
 * expected line that does not, or undefined.
 */
export function missingInOrder(expected: readonly string[], actual: readonly string[]): string | undefined {
  let from = 0;
  for (const line of expected) {
    const found = actual.findIndex((candidate, i) => i >= from && matchesText(line, candidate));
    if (found < 0) return line;
    from = found + 1;
  }
  return undefined;
}

const ROUTE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/[^\s?`]*)/;

/**
 * The routes (`METHOD /path`, query left out) named in the first cell of each row of the
 * Markdown tables in `text`, each with its line.
 */
export function tableRoutes(text: string, firstLine = 1): { route: string; line: number }[] {
  return text.split('\n').flatMap((row, i) => {
    if (!/^\|/.test(row) || /^\|\s*-/.test(row)) return [];
    const first = row.split('|')[1] ?? '';
    return routeSpans(first).map((route) => ({ route, line: firstLine + i }));
  });
}

/** The routes named in code spans (`` `GET /v1/orders/{id}` ``) anywhere in `text`. */
export function routeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].flatMap(([, span]) => {
    const match = ROUTE.exec(span);
    return match ? [`${match[1]} ${match[2]}`] : [];
  });
}
