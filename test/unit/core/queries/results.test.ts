import { latestSamples, parseSampleValue } from '../../../../core/queries/results';

describe('parseSampleValue', () => {
  it.each([
    ['1', 1],
    ['0.25', 0.25],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['1e3', 1000],
  ])('reads %p', (text, value) => {
    expect(parseSampleValue(text)).toBe(value);
  });

  it('keeps NaN as NaN and refuses what is not a number', () => {
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('abc')).toBeNull();
    expect(parseSampleValue('')).toBeNull();
  });
});

describe('latestSamples', () => {
  it('takes the newest point of each matrix series and drops empty ones', () => {
    const samples = latestSamples({
      resultType: 'matrix',
      series: [
        {
          labels: { task_id: 'a' },
          points: [
            { timestampMs: 1000, value: 1 },
            { timestampMs: 3000, value: 5 },
            { timestampMs: 2000, value: 9 },
          ],
        },
        { labels: { task_id: 'b' }, points: [] },
      ],
    });
    expect(samples).toEqual([{ labels: { task_id: 'a' }, timestampMs: 3000, value: 5 }]);
  });

  it('passes a vector through, turns a scalar into one sample, and gives nothing for streams', () => {
    const sample = { labels: { task_id: 'a' }, timestampMs: 1, value: 2 };
    expect(latestSamples({ resultType: 'vector', samples: [sample] })).toEqual([sample]);
    expect(latestSamples({ resultType: 'scalar', point: { timestampMs: 1, value: 7 } })).toEqual([
      { labels: {}, timestampMs: 1, value: 7 },
    ]);
    expect(latestSamples({ resultType: 'streams', streams: [] })).toEqual([]);
    expect(latestSamples({ resultType: 'string', timestampMs: 1, value: 'x' })).toEqual([]);
  });
});
