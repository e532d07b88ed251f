import fc from 'fast-check';
import { hostileText } from './arbitraries';
import { checkQuery } from '../../../../core/queries/grammar';
import {
  canaryLineText,
  canaryPushStream,
  canaryLines,
  jsonErrorsByTask,
  logLinesByTask,
  streamLabelsSelector,
} from '../../../../core/queries/logql';

const scope = { cluster: 'temporal-dev', service: 'history' };
const anyName = hostileText();
const anyWindow = fc.integer({ min: 1, max: 7 * 24 * 3_600_000 });

describe('LogQL builders', () => {
  it('builds the lines-per-task query', () => {
    expect(logLinesByTask(scope, 300_000)).toBe(
      'sum by (task_id) (count_over_time({cluster="temporal-dev",service_name="history"}[5m]))',
    );
  });

  it('builds the JSON-errors-per-task query', () => {
    expect(jsonErrorsByTask(scope, 30_000)).toBe(
      'sum by (task_id) (count_over_time({cluster="temporal-dev",service_name="history"} | json | __error__!="" [30s]))',
    );
  });

  it('builds the stream selector', () => {
    expect(streamLabelsSelector(scope)).toBe('{cluster="temporal-dev",service_name="history"}');
  });

  it('reads the canary back by its marker, with extra labels', () => {
    expect(canaryLines('canary-123')).toBe(
      '{source="alloy-rollout-canary",service_name="alloy-rollout-canary"} |= "canary-123"',
    );
    expect(canaryLines('m"x', { cluster: 'c' })).toBe(
      '{source="alloy-rollout-canary",service_name="alloy-rollout-canary",cluster="c"} |= "m\\"x"',
    );
  });

  it('refuses an empty marker and an empty scope value', () => {
    expect(() => canaryLines('')).toThrow(/non-empty canary marker/);
    expect(() => logLinesByTask({ cluster: '', service: 'x' }, 1000)).toThrow(
      /label cluster needs a non-empty value/,
    );
  });

  it('gives the official grammar a valid query for any cluster, service and window', () => {
    fc.assert(
      fc.property(anyName, anyName, anyWindow, (cluster, service, windowMs) => {
        const s = { cluster, service };
        for (const query of [
          streamLabelsSelector(s),
          logLinesByTask(s, windowMs),
          jsonErrorsByTask(s, windowMs),
        ]) {
          expect(checkQuery('logql', query)).toBeNull();
        }
      }),
    );
  });

  it('gives the grammar a valid canary query for any marker', () => {
    fc.assert(
      fc.property(
        anyName,
        anyName,
        (marker, cluster) => checkQuery('logql', canaryLines(marker, { cluster })) === null,
      ),
    );
  });

  it('pushes the canary under the labels canaryLines selects, with the marker in the line', () => {
    const stream = canaryPushStream('run-42', '1767268800000000000', { cluster: 'temporal-dev' });
    expect(stream).toEqual({
      stream: {
        source: 'alloy-rollout-canary',
        service_name: 'alloy-rollout-canary',
        cluster: 'temporal-dev',
      },
      values: [['1767268800000000000', 'alloy-rollout canary run-42']],
    });
    expect(canaryLineText('run-42')).toContain('run-42');
    expect(() => canaryPushStream('', '1')).toThrow(/non-empty canary marker/);
  });
});
