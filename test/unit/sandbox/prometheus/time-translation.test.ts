import {
  hasStampedAnswer,
  hasTimedParameters,
  translateAnswer,
  translateParameters,
  type ForwardedInstant,
} from '../../../../sandbox/prometheus/time-translation';
import { SimClock } from '../../../../sandbox/clock';

const ANCHOR = 1_800_000_000_000;
const clock = new SimClock({ speed: 60, anchor: ANCHOR });
const sim = (realOffsetMs: number) => ANCHOR + realOffsetMs * 60;

describe('instants between simulated time and the Prometheus behind the AMP stand-in', () => {
  afterAll(() => clock.stop());

  it('names the query paths whose parameters and answers carry instants', () => {
    expect(
      ['/api/v1/query', '/api/v1/query_range', '/api/v1/series', '/api/v1/label/job/values'].map(
        hasTimedParameters,
      ),
    ).toEqual([true, true, true, true]);
    expect(hasTimedParameters('/api/v1/write')).toBe(false);
    expect([hasStampedAnswer('/api/v1/query'), hasStampedAnswer('/api/v1/series')]).toEqual([true, false]);
  });

  it('moves time, start and end (unix seconds or RFC 3339) to real time, and the step by the same ratio', () => {
    const forwarded: ForwardedInstant[] = [];
    const params = new URLSearchParams({
      query: 'up',
      start: String(sim(1_000) / 1000),
      end: new Date(sim(2_000)).toISOString(),
      step: '30s',
    });
    const out = translateParameters(params, clock, forwarded);
    expect(Object.fromEntries(out)).toEqual({
      query: 'up',
      start: String((ANCHOR + 1_000) / 1000) + '.000',
      end: String((ANCHOR + 2_000) / 1000) + '.000',
      step: '0.500',
    });
    expect(forwarded).toEqual([
      { realMs: ANCHOR + 1_000, simulatedMs: sim(1_000) },
      { realMs: ANCHOR + 2_000, simulatedMs: sim(2_000) },
    ]);
    // What Prometheus cannot read either is left for it to refuse.
    expect(
      Object.fromEntries(translateParameters(new URLSearchParams({ time: 'soon', step: '-1' }), clock, [])),
    ).toEqual({
      time: 'soon',
      step: '-1',
    });
  });

  it('stamps samples at a forwarded instant with the asked instant exactly, others by the ratio', () => {
    const asked = sim(1_000) + 7; // not a whole real millisecond: the formula alone would round it
    const forwarded: ForwardedInstant[] = [];
    translateParameters(new URLSearchParams({ time: String(asked / 1000) }), clock, forwarded);
    const realSeconds = (forwarded[0]?.realMs ?? 0) / 1000;
    const vector = {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: { job: 'a' }, value: [realSeconds, '1'] }] },
    };
    expect(translateAnswer(vector, clock, forwarded)).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: { job: 'a' }, value: [asked / 1000, '1'] }] },
    });
    const matrix = {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [(ANCHOR + 500) / 1000, '1'],
              [(ANCHOR + 1_000) / 1000, '2'],
            ],
          },
        ],
      },
    };
    expect(translateAnswer(matrix, clock, [])).toMatchObject({
      data: {
        result: [
          {
            values: [
              [sim(500) / 1000, '1'],
              [sim(1_000) / 1000, '2'],
            ],
          },
        ],
      },
    });
    const scalar = { status: 'success', data: { resultType: 'scalar', result: [(ANCHOR + 10) / 1000, '7'] } };
    expect(translateAnswer(scalar, clock, [])).toMatchObject({ data: { result: [sim(10) / 1000, '7'] } });
    const error = { status: 'error', errorType: 'bad_data', error: 'parse error' };
    expect(translateAnswer(error, clock, [])).toEqual(error);
  });
});
