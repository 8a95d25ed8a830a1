import { judge, render, type RunResults } from '../../bench/report';

const ops = (opsPerSecond: number) => ({ opsPerSecond, p50Micros: 10, p99Micros: 20 });

const results = (over: { seam: number; bus: number; moleculer: number }): RunResults => ({
  local: {
    direct: ops(20e6),
    commandBus: ops(over.bus),
    seamSend: ops(over.seam),
    moleculer: ops(over.moleculer),
    queryBus: ops(4e6),
    seamAsk: ops(3.8e6),
  },
});

describe('benchmark report', () => {
  it('judges local dispatch met only at 0.8x the CommandBus or more and faster than Moleculer', () => {
    expect(judge(results({ seam: 4e6, bus: 5e6, moleculer: 2e6 }))[0]).toMatchObject({ id: 'local', met: true });
    expect(judge(results({ seam: 3.9e6, bus: 5e6, moleculer: 2e6 }))[0]).toMatchObject({ id: 'local', met: false });
    expect(judge(results({ seam: 4.5e6, bus: 5e6, moleculer: 4.6e6 }))[0]).toMatchObject({ id: 'local', met: false });
  });

  it('judges only the scenarios that ran', () => {
    expect(judge({}).map((t) => t.id)).toEqual([]);
    expect(judge(results({ seam: 4e6, bus: 5e6, moleculer: 2e6 })).map((t) => t.id)).toEqual(['local']);
  });

  it('counts any HTTP error against the HTTP target, whatever the throughput', () => {
    const setup = (requestsPerSecond: number, errors: number) => ({
      label: 'x',
      requestsPerSecond,
      p50Ms: 1,
      p99Ms: 2,
      errors,
      requests: 1000,
      statusCodes: { '201': 1000 - errors },
      parked: 0,
      deadlocks: 0,
      rss: {},
    });
    const http = (errors: number) => ({ connections: 32, seconds: 5, local: setup(100, 0), split: setup(70, errors) });
    expect(judge({ http: http(0) })[0]).toMatchObject({ id: 'http', met: true });
    expect(judge({ http: http(1) })[0]).toMatchObject({ id: 'http', met: false });
  });

  it('writes the machine, the command and a verdict per target', () => {
    const run = results({ seam: 4e6, bus: 5e6, moleculer: 2e6 });
    const markdown = render(
      { date: 'today', machine: 'a CPU (2 cores)', node: 'v20', runs: 5, smoke: false, command: 'npm run bench', wallSeconds: 1, load: { start: 0, end: 0 } },
      run,
      judge(run),
      '',
    );
    expect(markdown).toContain('a CPU (2 cores), Node v20');
    expect(markdown).toMatch(/\| Local seam dispatch .* \| 0\.80x the CommandBus; 2\.00x Moleculer \| \*\*met\*\* \|/);
  });
});
