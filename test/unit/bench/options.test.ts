import { FULL_DEFAULTS, parseBenchArgs, QUICK_DEFAULTS, wants } from '../../../bench/options';

describe('parseBenchArgs', () => {
  it('uses the full sizes by default and the CI sizes with --quick', () => {
    expect(parseBenchArgs([])).toMatchObject({
      quick: false,
      scaleServices: FULL_DEFAULTS.scaleServices,
      out: 'bench/results.json',
    });
    expect(parseBenchArgs(['--quick'])).toMatchObject({
      quick: true,
      scaleServices: QUICK_DEFAULTS.scaleServices,
      out: 'tmp/bench/results.quick.json',
    });
  });

  it('reads sizes and figure selection', () => {
    const o = parseBenchArgs([
      '--services',
      '50',
      '--runs',
      '5',
      '--only',
      'bundles,scale',
      '--out',
      'x.json',
    ]);
    expect(o).toMatchObject({ scaleServices: 50, loadRuns: 5, out: 'x.json', only: ['bundles', 'scale'] });
    expect(wants(o, 'scale')).toBe(true);
    expect(wants(o, 'rollback')).toBe(false);
  });

  it('names what was wrong and what was expected', () => {
    expect(() => parseBenchArgs(['--services', '0'])).toThrow(
      /--services expects a whole number from 1 to 2000, got "0"/,
    );
    expect(() => parseBenchArgs(['--only', 'speed'])).toThrow(
      /--only expects figures from bundles, rehearsal, rollback, scale, got "speed"/,
    );
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown argument "--fast"/);
  });
});

describe('clock speeds', () => {
  it('runs the full rehearsals slower than the scale runs, and reads both flags', () => {
    expect(parseBenchArgs([])).toMatchObject({ clockSpeed: 20, scaleClockSpeed: 100 });
    expect(parseBenchArgs(['--quick'])).toMatchObject({ clockSpeed: 60, scaleClockSpeed: 100 });
    expect(parseBenchArgs(['--speed', '10', '--scale-speed', '200'])).toMatchObject({
      clockSpeed: 10,
      scaleClockSpeed: 200,
    });
  });
});
