import { assessGrafanaCanary, assessGrafanaDatasource } from '../../../../core/verify/grafana';
import { answerRows, logLinesOf, readQueryAnswer } from '../../../../core/verify/grafana-frames';

const LOKI = { status: 200, body: { uid: 'loki', name: 'Loki', type: 'loki' } };
const OK = { status: 200, body: { status: 'OK', message: 'Data source successfully connected.' } };
const ds = (over: Partial<Parameters<typeof assessGrafanaDatasource>[0]>) =>
  assessGrafanaDatasource({
    uid: 'loki',
    grafanaUrl: 'https://grafana.example.com',
    datasource: LOKI,
    health: OK,
    ...over,
  });

describe('grafana-datasource', () => {
  it('passes for an existing Loki datasource whose health is OK, with the answers as evidence', () => {
    const a = ds({});
    expect(a.verdict).toBe('passed');
    expect(a.evidence.values).toMatchObject({ type: 'loki', healthStatus: 200 });
    expect(a.evidence.query).toContain('/api/datasources/uid/loki/health');
  });

  it('fails at once for a missing datasource, another type, or a refused token', () => {
    expect(ds({ datasource: { status: 404, body: { message: 'Data source not found' } } })).toMatchObject({
      verdict: 'failed',
      message: expect.stringContaining('no datasource with UID "loki"'),
    });
    expect(ds({ datasource: { status: 200, body: { type: 'prometheus' } } })).toMatchObject({
      verdict: 'failed',
      message: expect.stringContaining('expected "loki"'),
    });
    expect(ds({ datasource: { status: 401, body: { message: 'Unauthorized' } } }).verdict).toBe('failed');
  });

  it('a health check that is not OK yet is pending (the step deadline fails it)', () => {
    const a = ds({
      health: { status: 400, body: { status: 'ERROR', message: 'Unable to connect with Loki' } },
    });
    expect(a.verdict).toBe('pending');
    expect(a.message).toContain('Unable to connect with Loki');
  });
});

const logFrame = (rows: { line: string; ns: string; labels: Record<string, string> }[]) => ({
  schema: { refId: 'A', fields: [{ name: 'labels' }, { name: 'Time' }, { name: 'Line' }, { name: 'tsNs' }] },
  data: {
    values: [
      rows.map((r) => r.labels),
      rows.map((r) => Number(BigInt(r.ns) / 1_000_000n)),
      rows.map((r) => r.line),
      rows.map((r) => r.ns),
    ],
  },
});

describe('data frames', () => {
  it('reads the answer of a refId column by column', () => {
    const body = {
      results: { A: { status: 200, frames: [logFrame([{ line: 'x', ns: '1000000', labels: { a: 'b' } }])] } },
    };
    const answer = readQueryAnswer(body, 'A');
    if ('problem' in answer) throw new Error(answer.problem);
    expect(answerRows(answer)).toBe(1);
    expect(logLinesOf(answer.frames[0]!)).toEqual([
      { line: 'x', timestampNs: '1000000', labels: { a: 'b' } },
    ]);
    expect(readQueryAnswer(body, 'B')).toEqual({ problem: '"results" has no entry for refId B' });
    expect(readQueryAnswer({ message: 'x' }, 'A')).toEqual({ problem: 'the body has no "results" object' });
  });

  it('counts frames without values as no data, and keeps the per-query error', () => {
    const answer = readQueryAnswer(
      {
        results: {
          A: {
            status: 400,
            error: 'parse error',
            frames: [{ schema: { fields: [] }, data: { values: [[], []] } }],
          },
        },
      },
      'A',
    );
    expect(answer).toMatchObject({ status: 400, error: 'parse error' });
    if (!('problem' in answer)) expect(answerRows(answer)).toBe(0);
  });
});

describe('grafana-canary', () => {
  const pushed = {
    line: 'alloy-rollout canary m-1',
    timestampNs: '1700000000000000000',
    labels: { job: 'canary', cluster: 'c' },
  };
  const canary = (body: unknown, status = 200) =>
    assessGrafanaCanary({
      query: '{job="canary"} |= "m-1"',
      datasourceUid: 'loki',
      refId: 'A',
      window: { startMs: 1_699_999_940_000, endMs: 1_700_000_010_000 },
      pushed,
      answer: { status, body },
    });

  it('passes when the pushed line comes back with its timestamp and labels (extra labels allowed)', () => {
    const body = {
      results: {
        A: {
          frames: [
            logFrame([
              {
                line: pushed.line,
                ns: pushed.timestampNs,
                labels: { ...pushed.labels, detected_level: 'info' },
              },
            ]),
          ],
        },
      },
    };
    expect(canary(body)).toMatchObject({ verdict: 'passed', name: 'grafana-canary' });
  });

  it('is pending on no lines or other lines, and an error on a query error or a body of another shape', () => {
    expect(canary({ results: { A: { frames: [] } } }).verdict).toBe('pending');
    const other = {
      results: {
        A: { frames: [logFrame([{ line: pushed.line, ns: '1700000000000000001', labels: pushed.labels }])] },
      },
    };
    expect(canary(other)).toMatchObject({
      verdict: 'pending',
      message: expect.stringContaining('none of them'),
    });
    expect(canary({ results: { A: { status: 400, error: 'parse error at line 1' } } }, 400)).toMatchObject({
      verdict: 'error',
      message: expect.stringContaining('parse error'),
    });
    expect(canary({ message: 'bad' }).verdict).toBe('error');
  });
});
