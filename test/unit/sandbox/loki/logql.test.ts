import { LokiStore } from '../../../../sandbox/loki/store';
import { parseLogQL } from '../../../../sandbox/loki/logql/from-tree';
import {
  evaluateInstant,
  evaluateRange,
  formatSampleValue,
  type Direction,
} from '../../../../sandbox/loki/logql/evaluate';

const T0 = 1_700_000_000_000; // epoch ms, a whole minute
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const nsBig = (ms: number): bigint => BigInt(ms) * 1_000_000n;

function seededStore(): LokiStore {
  const store = new LokiStore({ now: () => T0 + 600_000 });
  store.push([
    {
      stream: { service_name: 'history', task_id: 't1', cluster: 'dev' },
      values: [
        [ns(T0 + 1_000), '{"level":"info","msg":"started","http":{"status":200},"tags":["a"],"n":null}'],
        [ns(T0 + 2_000), 'plain text, not json'],
        [
          ns(T0 + 61_000),
          '{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}',
        ],
      ],
    },
    {
      stream: { service_name: 'history', task_id: 't2', cluster: 'dev' },
      values: [[ns(T0 + 1_500), '{"level":"info","task_id":"inner","1st":"x","a.b":"y"}']],
    },
    {
      stream: { service_name: 'matching', task_id: 't3', cluster: 'dev' },
      values: [
        [ns(T0 + 3_000), 'level=warn msg="slow query" took=1.5s'],
        [ns(T0 + 90_000), 'level=info msg=done'],
      ],
    },
  ]);
  return store;
}

const window: { startNs: bigint; endNs: bigint; stepNs: bigint; limit: number; direction: Direction } = {
  startNs: nsBig(T0),
  endNs: nsBig(T0 + 120_000),
  stepNs: 60_000_000_000n,
  limit: 100,
  direction: 'backward',
};

function range(query: string, overrides: Partial<typeof window> = {}) {
  return evaluateRange(seededStore(), 'fake', parseLogQL(query), { ...window, ...overrides });
}

function lines(query: string, overrides: Partial<typeof window> = {}): string[] {
  const result = range(query, overrides);
  if (result.resultType !== 'streams') throw new Error(`expected streams, got ${result.resultType}`);
  return result.result.flatMap((s) => s.values.map(([, line]) => line));
}

describe('LogQL log queries', () => {
  const cases: [query: string, expected: string[]][] = [
    ['{service_name="history", task_id="t2"}', ['{"level":"info","task_id":"inner","1st":"x","a.b":"y"}']],
    ['{service_name="matching"} |= "slow"', ['level=warn msg="slow query" took=1.5s']],
    ['{service_name="matching"} != "slow"', ['level=info msg=done']],
    ['{service_name="matching"} |~ "sl.w"', ['level=warn msg="slow query" took=1.5s']],
    ['{service_name="matching"} !~ "^level=info"', ['level=warn msg="slow query" took=1.5s']],
    ['{service_name="matching"} |= "nothing" or "done"', ['level=info msg=done']],
    [
      '{service_name=~"hist.*", task_id!="t2"} |= "boom"',
      ['{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}'],
    ],
    ['{service_name=~"hist"}', []], // regex matchers are anchored
    [
      '{service_name="history"} | json | level="error"',
      ['{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}'],
    ],
    // Loki lets lines that already carry an error through numeric filters.
    [
      '{service_name="history"} | json | http_status >= 500',
      [
        '{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}',
        'plain text, not json',
      ],
    ],
    [
      '{service_name="history"} | json | __error__="" | http_status >= 500',
      ['{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}'],
    ],
    ['{service_name="history"} | json | __error__!=""', ['plain text, not json']],
    // Loki lets lines that already carry an error through numeric filters.
    [
      '{service_name="history"} | json | latency > 200ms',
      [
        '{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}',
        'plain text, not json',
      ],
    ],
    [
      '{service_name="history"} | json | __error__="" | latency > 200ms',
      ['{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}'],
    ],
    // Loki lets lines that already carry an error through numeric filters.
    [
      '{service_name="history"} | json | size >= 2KB',
      [
        '{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}',
        'plain text, not json',
      ],
    ],
    [
      '{service_name="history"} | json | __error__="" | size >= 2KB',
      ['{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}'],
    ],
    [
      '{service_name="history"} | json | level="info" or http_status > 500 | __error__=""',
      [
        '{"level":"info","task_id":"inner","1st":"x","a.b":"y"}',
        '{"level":"error","msg":"boom","http":{"status":503},"latency":"250ms","size":"2KB"}',
        '{"level":"info","msg":"started","http":{"status":200},"tags":["a"],"n":null}',
      ],
    ],
    [
      '{service_name="matching"} | logfmt | level="warn", took > 1s',
      ['level=warn msg="slow query" took=1.5s'],
    ],
  ];

  it.each(cases)('%s', (query, expected) => {
    expect(lines(query).sort()).toEqual([...expected].sort());
  });

  it('flattens JSON like Loki: nested keys joined with _, sanitised names, arrays and nulls skipped, clashes suffixed', () => {
    const result = range('{service_name="history"} | json | __error__=""');
    if (result.resultType !== 'streams') throw new Error('expected streams');
    const labelSets = result.result.map((s) => s.stream);
    expect(labelSets).toContainEqual({
      cluster: 'dev',
      http_status: '200',
      level: 'info',
      msg: 'started',
      service_name: 'history',
      task_id: 't1',
    });
    expect(labelSets).toContainEqual({
      _1st: 'x',
      a_b: 'y',
      cluster: 'dev',
      level: 'info',
      service_name: 'history',
      task_id: 't2',
      task_id_extracted: 'inner',
    });
  });

  it('labels a line that is not JSON with __error__="JSONParserErr" and details', () => {
    const result = range('{service_name="history"} | json | __error__="JSONParserErr"');
    if (result.resultType !== 'streams') throw new Error('expected streams');
    expect(result.result).toHaveLength(1);
    expect(result.result[0]?.stream).toMatchObject({
      __error__: 'JSONParserErr',
      service_name: 'history',
      task_id: 't1',
    });
    expect(result.result[0]?.stream['__error_details__']).toEqual(expect.any(String));
  });

  it('returns the newest entries first, cut at limit, grouped by stream and sorted by labels', () => {
    const result = range('{cluster="dev"}', { limit: 2 });
    if (result.resultType !== 'streams') throw new Error('expected streams');
    expect(result.result.map((s) => [s.stream['task_id'], s.values.map(([ts]) => ts)])).toEqual([
      ['t1', [ns(T0 + 61_000)]],
      ['t3', [ns(T0 + 90_000)]],
    ]);
  });

  it('returns the oldest entries first with direction=forward', () => {
    expect(lines('{cluster="dev"}', { limit: 2, direction: 'forward' })).toEqual([
      '{"level":"info","msg":"started","http":{"status":200},"tags":["a"],"n":null}',
      '{"level":"info","task_id":"inner","1st":"x","a.b":"y"}',
    ]);
  });

  it('includes start and excludes end', () => {
    expect(
      lines('{service_name="matching"}', { startNs: nsBig(T0 + 3_000), endNs: nsBig(T0 + 90_000) }),
    ).toEqual(['level=warn msg="slow query" took=1.5s']);
  });
});

describe('LogQL metric queries', () => {
  function matrix(query: string): Record<string, [number, string][]> {
    const result = range(query);
    if (result.resultType !== 'matrix') throw new Error(`expected matrix, got ${result.resultType}`);
    return Object.fromEntries(result.result.map((s) => [JSON.stringify(s.metric), s.values]));
  }
  const at = (ms: number): number => ms / 1000;

  const cases: [query: string, expected: Record<string, [number, string][]>][] = [
    [
      'count_over_time({service_name="matching"}[1m])',
      {
        '{"cluster":"dev","service_name":"matching","task_id":"t3"}': [
          [at(T0 + 60_000), '1'],
          [at(T0 + 120_000), '1'],
        ],
      },
    ],
    [
      'sum(count_over_time({cluster="dev"}[1m]))',
      {
        '{}': [
          [at(T0 + 60_000), '4'],
          [at(T0 + 120_000), '2'],
        ],
      },
    ],
    [
      'sum by (service_name) (count_over_time({cluster="dev"}[2m]))',
      {
        '{"service_name":"history"}': [
          [at(T0 + 60_000), '3'],
          [at(T0 + 120_000), '4'],
        ],
        '{"service_name":"matching"}': [
          [at(T0 + 60_000), '1'],
          [at(T0 + 120_000), '2'],
        ],
      },
    ],
    [
      'count without (task_id, cluster) (count_over_time({cluster="dev"}[1m]))',
      {
        '{"service_name":"history"}': [
          [at(T0 + 60_000), '2'],
          [at(T0 + 120_000), '1'],
        ],
        '{"service_name":"matching"}': [
          [at(T0 + 60_000), '1'],
          [at(T0 + 120_000), '1'],
        ],
      },
    ],
    [
      'sum(rate({service_name="history"}[1m]))',
      {
        '{}': [
          [at(T0 + 60_000), '0.05'],
          [at(T0 + 120_000), '0.016666666666666666'],
        ],
      },
    ],
    [
      'max(count_over_time({cluster="dev"}[1m]))',
      {
        '{}': [
          [at(T0 + 60_000), '2'],
          [at(T0 + 120_000), '1'],
        ],
      },
    ],
    [
      'min(count_over_time({cluster="dev"}[1m]))',
      {
        '{}': [
          [at(T0 + 60_000), '1'],
          [at(T0 + 120_000), '1'],
        ],
      },
    ],
    ['sum(count_over_time({cluster="dev"}[1m])) > 3', { '{}': [[at(T0 + 60_000), '4']] }],
    [
      'sum(count_over_time({cluster="dev"}[1m])) > bool 3',
      {
        '{}': [
          [at(T0 + 60_000), '1'],
          [at(T0 + 120_000), '0'],
        ],
      },
    ],
    [
      '2 * sum(count_over_time({cluster="dev"}[1m]))',
      {
        '{}': [
          [at(T0 + 60_000), '8'],
          [at(T0 + 120_000), '4'],
        ],
      },
    ],
    [
      'sum by (level) (count_over_time({service_name="history"} | json | __error__="" [2m]))',
      {
        '{"level":"error"}': [[at(T0 + 120_000), '1']],
        '{"level":"info"}': [
          [at(T0 + 60_000), '2'],
          [at(T0 + 120_000), '2'],
        ],
      },
    ],
    ['sum(bytes_over_time({service_name="matching"} |= "done" [1m]))', { '{}': [[at(T0 + 120_000), '19']] }],
    ['sum(count_over_time({service_name="matching"}[1m] offset 1m))', { '{}': [[at(T0 + 120_000), '1']] }],
  ];

  it.each(cases)('%s', (query, expected) => {
    expect(matrix(query)).toEqual(expected);
  });

  describe("parser errors in metric queries follow Loki's parser hints", () => {
    it('lets a sum that asks for __error__ count the unparseable lines', () => {
      expect(
        matrix('sum by (task_id) (count_over_time({service_name="history"} | json | __error__!="" [1m]))'),
      ).toEqual({
        '{"task_id":"t1"}': [[at(T0 + 60_000), '1']],
      });
      expect(
        matrix('sum(count_over_time({service_name="history"} | json | __error__="JSONParserErr" [2m]))'),
      ).toEqual({
        '{}': [
          [at(T0 + 60_000), '1'],
          [at(T0 + 120_000), '1'],
        ],
      });
    });

    it.each([
      'count_over_time({service_name="history"} | json | __error__!="" [1m])',
      'max by (task_id) (count_over_time({service_name="history"} | json | __error__!="" [1m]))',
      'sum without (msg) (count_over_time({service_name="history"} | json | __error__!="" [1m]))',
    ])('fails %s with a pipeline error, as Loki does without the hint', (query) => {
      expect(() => range(query)).toThrow(/^pipeline error: 'JSONParserErr'/);
    });
  });

  it('counts an entry exactly at t but not one exactly at t - range (window (t-range, t])', () => {
    const store = new LokiStore({ now: () => T0 });
    store.push([
      {
        stream: { app: 'x' },
        values: [
          [ns(T0 - 60_000), 'edge-old'],
          [ns(T0), 'edge-new'],
        ],
      },
    ]);
    const result = evaluateInstant(store, 'fake', parseLogQL('count_over_time({app="x"}[1m])'), nsBig(T0));
    expect(result.resultType).toBe('vector');
    expect(result.result).toEqual([{ metric: { app: 'x', service_name: 'x' }, value: [T0 / 1000, '1'] }]);
  });

  it('answers an instant metric query with a vector sorted by labels', () => {
    const result = evaluateInstant(
      seededStore(),
      'fake',
      parseLogQL('sum by (task_id) (count_over_time({cluster="dev"}[2m]))'),
      nsBig(T0 + 120_000),
    );
    expect(result).toMatchObject({
      resultType: 'vector',
      result: [
        { metric: { task_id: 't1' }, value: [at(T0 + 120_000), '3'] },
        { metric: { task_id: 't2' }, value: [at(T0 + 120_000), '1'] },
        { metric: { task_id: 't3' }, value: [at(T0 + 120_000), '2'] },
      ],
    });
  });

  it('answers a number-only query with a scalar', () => {
    expect(evaluateInstant(seededStore(), 'fake', parseLogQL('1 + 2'), nsBig(T0))).toMatchObject({
      resultType: 'scalar',
      result: [T0 / 1000, '3'],
    });
  });

  it('prints sample values as Prometheus does (no exponent, Inf and NaN spelled out)', () => {
    expect([1e-7, 2.5e21, Infinity, -Infinity, NaN, 0.1, 42].map(formatSampleValue)).toEqual([
      '0.0000001',
      '2500000000000000000000',
      '+Inf',
      '-Inf',
      'NaN',
      '0.1',
      '42',
    ]);
  });
});

describe('LogQL errors (400 texts)', () => {
  const message = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      expect((error as { details?: { status?: number } }).details?.status).toBe(400);
      return (error as Error).message;
    }
    throw new Error('expected the query to fail');
  };

  const cases: [query: string, expected: string | RegExp][] = [
    ['', 'parse error at line 1, col 1: syntax error: unexpected $end'],
    ['{service_name="history"', 'parse error at line 1, col 24: syntax error: unexpected $end'],
    [
      '{app=~".*"}',
      /^parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value/,
    ],
    ['{app!="x"}', /^parse error : queries require at least one regexp or equality matcher/],
    ['{app="x"} | line_format "{{.msg}}"', /^unsupported by the sandbox Loki .*line_format/],
    ['{app="x"} | regexp "(?P<a>.)"', /^unsupported by the sandbox Loki .*parser "regexp/],
    ['{app="x"} |> "<_> foo"', /^unsupported by the sandbox Loki .*line filter/],
    [
      '{app="x"} | unwrap latency',
      'parse error at line 1, col 13: syntax error: unexpected "unwrap latency"',
    ],
    [
      'quantile_over_time(0.9, {app="x"} | unwrap latency [1m])',
      /^unsupported by the sandbox Loki .*range aggregation/,
    ],
    [
      'topk(2, count_over_time({app="x"}[1m]))',
      /^unsupported by the sandbox Loki .*vector aggregation "topk"/,
    ],
    [
      'sum(count_over_time({app="x"}[1m])) / sum(count_over_time({app="y"}[1m]))',
      /^unsupported by the sandbox Loki .*between two vectors/,
    ],
    ['{app=~"(?=x)"}', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['{app="x"} |~ "(a)\\\\1"', 'error parsing regexp: invalid escape sequence: `\\1`'],
  ];

  it.each(cases)('%j', (query, expected) => {
    const text = message(() => parseLogQL(query));
    if (typeof expected === 'string') expect(text).toBe(expected);
    else expect(text).toMatch(expected);
  });

  it("refuses a log query as an instant query with Loki's text", () => {
    expect(message(() => evaluateInstant(seededStore(), 'fake', parseLogQL('{app="x"}'), 0n))).toBe(
      'log queries are not supported as an instant query type, please change your query to a range query type',
    );
  });

  it("fails a metric query over unfiltered parser errors with Loki's pipeline error", () => {
    const text = message(() => range('count_over_time({service_name="history"} | json [1m])'));
    expect(text).toContain("pipeline error: 'JSONParserErr' for series: '{__error__=\"JSONParserErr\"");
    expect(text).toContain(
      'Use a label filter to intentionally skip this error. (e.g | __error__!="JSONParserErr").',
    );
  });
});
