import { singleValue } from '../../../../core/verify/custom';

describe('singleValue', () => {
  it('takes the only sample of a vector, the newest point of a one-series matrix, or a scalar', () => {
    expect(singleValue({ resultType: 'vector', samples: [{ labels: {}, timestampMs: 0, value: 4 }] })).toBe(
      4,
    );
    expect(
      singleValue({
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
      }),
    ).toBe(9);
    expect(singleValue({ resultType: 'scalar', point: { timestampMs: 0, value: 3 } })).toBe(3);
  });

  it('gives no value for an empty result', () => {
    expect(singleValue({ resultType: 'vector', samples: [] })).toBeUndefined();
  });

  it('refuses several series, log lines and strings with a reason', () => {
    const two = { labels: {}, timestampMs: 0, value: 1 };
    expect(singleValue({ resultType: 'vector', samples: [two, two] })).toEqual({
      error: 'the query returned 2 series, expected one number: aggregate it (sum, max, ...)',
    });
    expect(singleValue({ resultType: 'streams', streams: [] })).toEqual({
      error: expect.stringMatching(/log lines/),
    });
    expect(singleValue({ resultType: 'string', timestampMs: 0, value: 'x' })).toEqual({
      error: expect.stringMatching(/string/),
    });
  });
});
