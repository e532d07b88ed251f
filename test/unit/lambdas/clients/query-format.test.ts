import { DependencyRejectedError } from '../../../../core/errors';
import { describePrometheusError, toQueryData } from '../../../../lambdas/clients/query-format';

describe('toQueryData', () => {
  it('reads string results', () => {
    expect(
      toQueryData(
        { status: 'success', data: { resultType: 'string', result: [1767268800.25, 'hello'] } },
        'AMP',
      ),
    ).toEqual({
      resultType: 'string',
      timestampMs: 1767268800250,
      value: 'hello',
    });
  });

  it('names what was expected when the body has another shape', () => {
    const run = () =>
      toQueryData(
        { status: 'success', data: { resultType: 'table', result: [] } },
        'Loki GET /loki/api/v1/query',
      );
    expect(run).toThrow(DependencyRejectedError);
    expect(run).toThrow(
      /^Loki GET \/loki\/api\/v1\/query answered with an unexpected body: expected \{"status":"success"/,
    );
  });

  it('turns an error body into DependencyRejectedError carrying errorType and error', () => {
    try {
      toQueryData(
        { status: 'error', errorType: 'timeout', error: 'query timed out' },
        'AMP POST /api/v1/query',
      );
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(DependencyRejectedError);
      expect((error as DependencyRejectedError).details).toEqual({
        errorType: 'timeout',
        error: 'query timed out',
      });
    }
  });
});

describe('describePrometheusError', () => {
  it('reads errorType and error, and keeps any other text as it is', () => {
    expect(describePrometheusError('{"status":"error","errorType":"bad_data","error":"x"}')).toBe(
      'bad_data: x',
    );
    expect(describePrometheusError('{"message":"denied"}')).toBe('{"message":"denied"}');
    expect(describePrometheusError('plain text')).toBe('plain text');
  });
});
