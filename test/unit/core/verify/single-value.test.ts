import { singleValue } from '../../../../core/verify/custom';

describe('singleValue', () => {
  it('takes the only sample of a vector, the newest point of a one-series matrix, or a scalar', () => {
    expect(
      singleValue({ resultType: 'vector', samples: [{ labels: {}, timestampMs: 0, value: 4 }] }, 0),
    ).toBe(4);
    expect(
      singleValue(
        {
          resultType: 'matrix',
          series: [
            {
              labels: {},
              points: [
                { timestampMs: 1, value: 1 },
                { timestampMs: 2, value: 9 },
              ],
            },
          ],
        },
        0,
      ),
    ).toBe(9);
    expect(singleValue({ resultType: 'scalar', point: { timestampMs: 0, value: 3 } }, 0)).toBe(3);
  });

  it('refuses an answer stamped away from the requested time, naming both times', () => {
    const stale = { labels: {}, timestampMs: 0, value: 4 };
    expect(singleValue({ resultType: 'vector', samples: [stale] }, 7_200_000)).toEqual({
      error: expect.stringMatching(
        /stamped 1970-01-01T00:00:00.000Z, not at the requested 1970-01-01T02:00:00.000Z/,
      ),
    });
    expect(singleValue({ resultType: 'vector', samples: [stale] }, 500)).toBe(4);
  });

  it('gives no value for an empty result', () => {
    expect(singleValue({ resultType: 'vector', samples: [] }, 0)).toBeUndefined();
  });

  it('refuses several series, log lines and strings with a reason', () => {
    const two = { labels: {}, timestampMs: 0, value: 1 };
    expect(singleValue({ resultType: 'vector', samples: [two, two] }, 0)).toEqual({
      error: 'the query returned 2 series, expected one number: aggregate it (sum, max, ...)',
    });
    expect(singleValue({ resultType: 'streams', streams: [] }, 0)).toEqual({
      error: expect.stringMatching(/log lines/),
    });
    expect(singleValue({ resultType: 'string', timestampMs: 0, value: 'x' }, 0)).toEqual({
      error: expect.stringMatching(/string/),
    });
  });
});
