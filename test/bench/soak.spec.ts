import { soakSection } from '../../bench/report';
import { grew, type SoakReading, type SoakResult, soakMs } from '../../bench/soak.bench';

const reading = (over: Partial<SoakReading> = {}): SoakReading => ({ rssMiB: 150, heapUsedMiB: 50, activeResources: 20, eventLoopP50Ms: 10, eventLoopP99Ms: 30, ...over });

describe('soak benchmark', () => {
  it('counts growth only above the noise threshold, relative and absolute both', () => {
    expect(grew('rssMiB', 150, 165)).toBe(false); // +15 MiB: under 20 MiB
    expect(grew('rssMiB', 150, 200)).toBe(true); // +50 MiB and +33%
    expect(grew('heapUsedMiB', 100, 115)).toBe(false); // +15 MiB but only 15%
    expect(grew('activeResources', 20, 26)).toBe(true);
    expect(grew('activeResources', 20, 25)).toBe(false);
    expect(grew('eventLoopP99Ms', 30, 49)).toBe(false);
    expect(grew('eventLoopP99Ms', 30, 61)).toBe(true);
  });

  it('takes its duration from --soak-ms, then SOAK_MS, else ten minutes (the smoke run: seconds), and names a bad value', () => {
    const full = { smoke: false, runs: 5 };
    expect(soakMs(full, [], {})).toBe(600_000);
    expect(soakMs({ smoke: true, runs: 1 }, [], {})).toBeLessThan(10_000);
    expect(soakMs(full, [], { SOAK_MS: '30000' })).toBe(30_000);
    expect(soakMs(full, ['--soak-ms=5000'], { SOAK_MS: '30000' })).toBe(5_000);
    expect(() => soakMs(full, ['--soak-ms=ten'], {})).toThrow('--soak-ms or SOAK_MS');
    expect(() => soakMs(full, [], { SOAK_MS: '10' })).toThrow('at least 1000');
  });

  it('reports each process’s start and end readings and marks what grew', () => {
    const result: SoakResult = {
      seconds: 600,
      warmUpSeconds: 60,
      rate: 50,
      requests: 30_000,
      skipped: 0,
      errors: { 'read stock 503': 2 },
      byKind: { 'place order': 12_000 },
      parked: 0,
      processes: {
        monolith: { start: reading(), end: reading({ rssMiB: 260 }), grew: ['rssMiB'] },
        inventory: { start: reading(), end: reading(), grew: [] },
      },
    };
    const text = soakSection(result).join('\n');
    expect(text).toContain('## 6. Soak');
    expect(text).toContain('| monolith | RSS (MiB), at rest | 150 | 260 | **yes** |');
    expect(text).toContain('| inventory | RSS (MiB), at rest | 150 | 150 | no |');
    expect(text).toContain('2 failed or not 2xx (read stock 503: 2)');
  });
});
