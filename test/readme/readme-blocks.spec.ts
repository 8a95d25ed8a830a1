import { codeBlocks, compareAnswer, compareJson, matchesText, parsePattern, section, shellSteps, tableRoutes } from '../support/readme-blocks';

const block = (text: string) => codeBlocks(`# Title\n\n\`\`\`sh\n${text}\n\`\`\`\n`)[0];

describe('reading the README', () => {
  it('reads each command with the answer written under it: status, headers, JSON over several lines', () => {
    const steps = shellSteps(
      block(
        [
          'X=$(curl -s -X POST localhost:3000/v1/orders \\',
          "  -d '{}')",
          '# 201',
          '# Location: /v1/orders/…',
          '# {"id":"…",',
          '#  "status":"PENDING"}',
          '',
          'curl -s localhost:3000/v1/orders/$X',
          '# (wait: payment runs in the background)',
          '# {…,"status":"CONFIRMED",…}',
        ].join('\n'),
      ),
    );
    expect(steps).toEqual([
      {
        command: "X=$(curl -s -X POST localhost:3000/v1/orders \\\n  -d '{}')",
        line: 4,
        answer: { status: 201, headers: [['Location', '/v1/orders/…']], body: { id: '…', status: 'PENDING' }, text: [], line: 6 },
      },
      expect.objectContaining({ line: 11, wait: 'payment runs in the background', answer: expect.objectContaining({ status: 200, body: { '…': '…', status: 'CONFIRMED' } }) }),
    ]);
  });

  it('runs a command under `# terminal N:` in the background and takes the lines under it as its output', () => {
    const [build, started] = shellSteps(block('npm run build\n\n# terminal 1: the monolith\nnode dist/src/main.js\n# [Seams] monolith; local: …'));
    expect(build).toEqual(expect.objectContaining({ command: 'npm run build', answer: undefined, terminal: undefined }));
    expect(started).toEqual(expect.objectContaining({ terminal: 'terminal 1', answer: expect.objectContaining({ text: ['[Seams] monolith; local: …'] }) }));
  });

  it('says where an answer is not JSON', () => {
    expect(() => shellSteps(block('curl -s localhost:3000/x\n# 200 {"a":1,}'))).toThrow(/README line 5: the answer is not JSON/);
  });

  it('finds a section up to the next heading of its level, and fails on a missing one', () => {
    const markdown = '# A\n## B\ntext\n### C\nmore\n## D\n';
    expect(section(markdown, '## B').text).toBe('## B\ntext\n### C\nmore');
    expect(() => section(markdown, '## Gone')).toThrow(/"## Gone" is missing/);
  });

  it('reads the routes of a table row, without the query', () => {
    expect(tableRoutes('| Route | Who |\n| --- | --- |\n| `GET /v1/payments?orderId=<uuid>` | admin |\n| `GET /health`, `GET /health/ready` | anyone |', 10)).toEqual([
      { route: 'GET /v1/payments', line: 12 },
      { route: 'GET /health', line: 13 },
      { route: 'GET /health/ready', line: 13 },
    ]);
  });
});

describe('comparing an answer with what came back', () => {
  const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ stdout: '', response: { status, headers, body: JSON.stringify(body) } });

  it('accepts any key order and values marked with …', () => {
    const [step] = shellSteps(block('curl x\n# 200 {"id":"…","at":"2026-…","n":2,"list":[{"a":1},…]}'));
    expect(compareAnswer(step.answer!, response(200, { list: [{ a: 1 }, { a: 2 }], n: 2, at: '2026-11-28T05:00:00Z', id: 'f00' }))).toEqual([]);
  });

  it('reports a deliberately wrong answer: a value, a missing and an extra member, the status and a header', () => {
    const [step] = shellSteps(block('curl x\n# 201\n# Location: /v1/orders/…\n# {"sku":"TEA-1","onHand":11,"reserved":0}'));
    const problems = compareAnswer(step.answer!, response(200, { sku: 'TEA-1', onHand: 10, available: 10 }, { location: '/v2/x' }));
    expect(problems).toEqual([
      'status: expected 201, got 200',
      'header Location: expected "/v1/orders/…", got "/v2/x"',
      'body $.onHand: expected 11, got 10',
      'body $.reserved: missing',
      'body $.available: not in the README (10)',
      'the whole body: {"sku":"TEA-1","onHand":10,"available":10}',
    ]);
  });

  it('holds arrays to their order and length unless they end with …', () => {
    expect(compareJson(parsePattern('[1,2]'), [2, 1])).toHaveLength(2);
    expect(compareJson(parsePattern('[1,2]'), [1, 2, 3])).toEqual(['$: expected 2 elements, got 3: [1,2,3]']);
    expect(compareJson(parsePattern('[1,…]'), [1, 2, 3])).toEqual([]);
    expect(compareJson(parsePattern('{"a":…}'), {})).toEqual(['$.a: missing']);
  });

  it('compares printed lines, … matching any characters', () => {
    expect(matchesText('[Seams] API at http://localhost:…/v1', '[Seams] API at http://localhost:3000/v1')).toBe(true);
    expect(matchesText('[Seams] API at http://localhost:…/v1', '[Seams] API at http://localhost:3000/v2')).toBe(false);
    const [step] = shellSteps(block("curl -s x | grep '^a'\n# a{b=\"…\"} 1"));
    expect(compareAnswer(step.answer!, { stdout: 'a{b="c"} 1\n' })).toEqual([]);
    expect(compareAnswer(step.answer!, { stdout: 'a{b="c"} 2\n' })).toHaveLength(1);
  });
});
