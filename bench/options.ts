import { InputInvalidError } from '../core/errors';

/** What `npm run bench -- [flags]` asked for. */
export interface BenchOptions {
  /** CI size: few services, few load runs; results go to tmp/bench/results.quick.json (ignored by git) unless --out says otherwise. */
  readonly quick: boolean;
  /** Where results are written. */
  readonly out: string;
  /** Services in the scale rehearsal (figure 4). */
  readonly scaleServices: number;
  /** Fresh processes per bundle for the load-time median (figure 5). */
  readonly loadRuns: number;
  /** How many simulated milliseconds pass per real millisecond in the sandbox. */
  readonly clockSpeed: number;
  /**
   * Clock speed of the scale rehearsals. The rehearsals of figures 1-3 and 6 run slower: the
   * sandbox's Prometheus scrapes every quarter of a real second, so at a high speed the metrics
   * check waits (and polls) for scrapes far longer in simulated time than it would for Alloy's
   * remote write, and deadlines (simulated time) leave Prometheus less real time.
   */
  readonly scaleClockSpeed: number;
  /** Figures to run; all when empty. */
  readonly only: readonly FigureName[];
}

export const FIGURE_NAMES = ['bundles', 'rehearsal', 'rollback', 'scale'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

export const FULL_DEFAULTS = {
  scaleServices: 200,
  loadRuns: 9,
  clockSpeed: 20,
  scaleClockSpeed: 100,
  out: 'bench/results.json',
} as const;
export const QUICK_DEFAULTS = {
  scaleServices: 10,
  loadRuns: 3,
  // Not faster: the simulated Alloy pushes at most every 250 real ms, 25 simulated s at x100, longer
  // than the logs check's 20 s recent window, so at x100 a healthy canary reads as stopped shipping.
  clockSpeed: 60,
  scaleClockSpeed: 100,
  out: 'tmp/bench/results.quick.json',
} as const;

const USAGE =
  'usage: npm run bench -- [--quick] [--out <file>] [--services <n>] [--runs <n>] [--speed <n>] [--scale-speed <n>] [--only <figure,...>]';

function positive(flag: string, text: string | undefined, max: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 1 || n > max)
    throw new InputInvalidError(
      `${flag} expects a whole number from 1 to ${max}, got ${JSON.stringify(text ?? null)}; ${USAGE}`,
      { flag },
    );
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const d = quick ? QUICK_DEFAULTS : FULL_DEFAULTS;
  let out: string = d.out;
  let scaleServices: number = d.scaleServices;
  let loadRuns: number = d.loadRuns;
  let clockSpeed: number = d.clockSpeed;
  let scaleClockSpeed: number = d.scaleClockSpeed;
  let only: FigureName[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      i += 1;
      return argv[i];
    };
    switch (arg) {
      case '--quick':
        break;
      case '--out': {
        const v = value();
        if (!v) throw new InputInvalidError(`--out expects a file name; ${USAGE}`, { flag: arg });
        out = v;
        break;
      }
      case '--services':
        scaleServices = positive(arg, value(), 2000);
        break;
      case '--runs':
        loadRuns = positive(arg, value(), 101);
        break;
      case '--speed':
        clockSpeed = positive(arg, value(), 1000);
        break;
      case '--scale-speed':
        scaleClockSpeed = positive(arg, value(), 1000);
        break;
      case '--only': {
        const names = (value() ?? '').split(',').filter(Boolean);
        const unknown = names.filter((n) => !(FIGURE_NAMES as readonly string[]).includes(n));
        if (names.length === 0 || unknown.length > 0)
          throw new InputInvalidError(
            `--only expects figures from ${FIGURE_NAMES.join(', ')}, got ${JSON.stringify(unknown.join(',') || null)}; ${USAGE}`,
            { flag: arg },
          );
        only = names as FigureName[];
        break;
      }
      default:
        throw new InputInvalidError(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`, { argument: arg });
    }
  }
  return { quick, out, scaleServices, loadRuns, clockSpeed, scaleClockSpeed, only };
}

export function wants(options: BenchOptions, figure: FigureName): boolean {
  return options.only.length === 0 || options.only.includes(figure);
}
