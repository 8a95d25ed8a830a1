import { judge, render, type RunResults } from '../../bench/report';

const ops = (opsPerSecond: number) => ({ opsPerSecond, p50Micros: 10, p99Micros: 20 });

const results = (over: { seam: number; bus: number; moleculer: number; guarded?: number }): RunResults => ({
  local: {
    direct: ops(20e6),
    commandBus: ops(over.bus),
    seamSend: ops(over.seam),
    moleculer: ops(over.moleculer),
    moleculerGuarded: ops(over.guarded ?? over.moleculer / 5),
    queryBus: ops(4e6),
    seamAsk: ops(3.8e6),
  },
});

describe('benchmark report', () => {
  it('judges local dispatch met only when faster than a Moleculer call that checks, bounds and times as the seam does (ADR 0021)', () => {
    expect(judge(results({ seam: 1e6, bus: 4e6, moleculer: 1.2e6, guarded: 0.9e6 }))[0]).toMatchObject({ id: 'local', met: true });
    expect(judge(results({ seam: 1e6, bus: 1.1e6, moleculer: 0.5e6, guarded: 1e6 }))[0]).toMatchObject({ id: 'local', met: false });
    expect(judge(results({ seam: 1e6, bus: 1.1e6, moleculer: 0.5e6, guarded: 1.2e6 }))[0]).toMatchObject({ id: 'local', met: false });
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
    expect(markdown).toMatch(/\| Local seam dispatch .* \| 10\.00x Moleculer doing the same \(for the record, doing none of it: 0\.80x the raw CommandBus, 2\.00x Moleculer's defaults\) \| \*\*met\*\* \|/);
  });
});
