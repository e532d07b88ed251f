import {
  canaryLines,
  canaryPushStream,
  jsonErrorsByContainer,
  jsonErrorsByTask,
  logLinesByContainer,
  logLinesByTask,
} from '../../../../core/queries/logql';
import { evaluateInstant, evaluateRange } from '../../../../sandbox/loki/logql/evaluate';
import { parseLogQL } from '../../../../sandbox/loki/logql/from-tree';
import { LokiStore } from '../../../../sandbox/loki/store';

/** The queries the product itself builds must run here, with the answers real Loki would give. */
const NOW = 1_700_000_000_000;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const scope = { cluster: 'temporal-dev', service: 'history' };

function storeWithTasks(): LokiStore {
  const store = new LokiStore({ now: () => NOW });
  const stream = (task: string) => ({
    cluster: 'temporal-dev',
    service_name: 'history',
    container_name: 'history',
    task_id: task,
  });
  store.push([
    {
      stream: stream('t1'),
      values: [
        [ns(NOW - 50_000), '{"level":"info"}'],
        [ns(NOW - 40_000), 'panic: not json'],
      ],
    },
    { stream: stream('t2'), values: [[ns(NOW - 30_000), '{"level":"warn"}']] },
    {
      stream: { ...stream('t3'), service_name: 'matching', container_name: 'matching' },
      values: [[ns(NOW - 30_000), '{}']],
    },
  ]);
  return store;
}

describe("the product's LogQL against the sandbox Loki", () => {
  it('counts lines per task of one service', () => {
    const result = evaluateInstant(
      storeWithTasks(),
      'fake',
      parseLogQL(logLinesByTask(scope, 60_000)),
      BigInt(NOW) * 1_000_000n,
    );
    expect(result).toMatchObject({
      resultType: 'vector',
      result: [
        { metric: { task_id: 't1' }, value: [NOW / 1000, '2'] },
        { metric: { task_id: 't2' }, value: [NOW / 1000, '1'] },
      ],
    });
  });

  it('counts the lines `| json` cannot parse, per task', () => {
    const result = evaluateInstant(
      storeWithTasks(),
      'fake',
      parseLogQL(jsonErrorsByTask(scope, 90_000)),
      BigInt(NOW) * 1_000_000n,
    );
    expect(result).toMatchObject({
      resultType: 'vector',
      result: [{ metric: { task_id: 't1' }, value: [NOW / 1000, '1'] }],
    });
  });

  it('counts lines and the lines `| json` cannot parse per task and container', () => {
    const store = storeWithTasks();
    store.push([
      {
        stream: { cluster: 'temporal-dev', service_name: 'history', container_name: 'envoy', task_id: 't1' },
        values: [[ns(NOW - 20_000), '[2024-01-01] envoy started']],
      },
    ]);
    const at = BigInt(NOW) * 1_000_000n;
    expect(evaluateInstant(store, 'fake', parseLogQL(logLinesByContainer(scope, 60_000)), at)).toMatchObject({
      resultType: 'vector',
      result: [
        { metric: { task_id: 't1', container_name: 'envoy' }, value: [NOW / 1000, '1'] },
        { metric: { task_id: 't1', container_name: 'history' }, value: [NOW / 1000, '2'] },
        { metric: { task_id: 't2', container_name: 'history' }, value: [NOW / 1000, '1'] },
      ],
    });
    expect(
      evaluateInstant(store, 'fake', parseLogQL(jsonErrorsByContainer(scope, 90_000)), at),
    ).toMatchObject({
      resultType: 'vector',
      result: [
        { metric: { task_id: 't1', container_name: 'envoy' }, value: [NOW / 1000, '1'] },
        { metric: { task_id: 't1', container_name: 'history' }, value: [NOW / 1000, '1'] },
      ],
    });
  });

  it('reads the canary line back after the push the Loki step makes', () => {
    const store = new LokiStore({ now: () => NOW });
    store.push([canaryPushStream('m-123', ns(NOW - 1_000), { cluster: 'temporal-dev' })]);
    const result = evaluateRange(
      store,
      'fake',
      parseLogQL(canaryLines('m-123', { cluster: 'temporal-dev' })),
      {
        startNs: BigInt(NOW - 60_000) * 1_000_000n,
        endNs: BigInt(NOW) * 1_000_000n,
        stepNs: 1_000_000_000n,
        limit: 10,
        direction: 'backward',
      },
    );
    expect(result.resultType).toBe('streams');
    expect(result.result).toEqual([
      expect.objectContaining({ values: [[ns(NOW - 1_000), 'alloy-rollout canary m-123']] }),
    ]);
  });
});
