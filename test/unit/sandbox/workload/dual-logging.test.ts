import type { TaskDefinition } from '../../../../sandbox/ecs/model';
import { parseFaults } from '../../../../sandbox/faults';
import type { AlloyShipping } from '../../../../sandbox/workload/alloy-summary';
import { HISTORY, HISTORY_SHIPPING, alloyInit, definition, onFakeTimers, workloadWorld } from './harness';

/**
 * The shadow revision in the sandbox: an awslogs application container beside an Alloy sidecar
 * that reads the Docker API. Its lines go to CloudWatch and to Docker's dual-logging cache, which
 * Alloy reads; the drop-lines fault makes Alloy lose a share of them. Fake timers, exact clock.
 */

/** Alloy reads the Docker API, and so Docker's dual-logging cache. */
const SHIPPING: AlloyShipping = { ...HISTORY_SHIPPING, readsDockerApi: true };

/** The shadow revision: awslogs kept on the application container, the Alloy sidecar added. */
function shadowDefinition(): TaskDefinition {
  return definition('temporal-history', 3, [
    {
      name: 'temporal-history',
      image: 'temporalio/server:1.24',
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': HISTORY.logGroup, 'awslogs-stream-prefix': 'temporal-history' },
      },
    },
    { name: 'alloy', image: 'grafana/alloy:v1.8.0', essential: false },
    alloyInit(HISTORY.configParam),
  ]);
}

function run(
  faultSpecs: string[],
  shipping: AlloyShipping = SHIPPING,
): { cloudwatch: string[]; loki: string[] } {
  const w = workloadWorld({
    service: HISTORY,
    shipping,
    faults: faultSpecs,
    traces: { stackTraceEvery: 0 },
  });
  w.run(shadowDefinition());
  // 500 simulated seconds: 101 line pairs, 202 lines.
  w.advance(500_000);
  w.stop();
  return { cloudwatch: w.cloudwatch.map((e) => e.message), loki: w.loki.map((l) => l.line) };
}

describe('the shadow revision in the sandbox (dual logging)', () => {
  onFakeTimers();

  it('ships every awslogs line to CloudWatch and, through the cache, to Loki', () => {
    const { cloudwatch, loki } = run([]);
    expect(cloudwatch).toHaveLength(202);
    expect(loki).toEqual(cloudwatch);
  });

  it('drop-lines=1%: Alloy loses every 100th line it reads, CloudWatch keeps them all', () => {
    const { cloudwatch, loki } = run(['history:drop-lines=1%']);
    expect(cloudwatch).toHaveLength(202);
    expect(loki).toHaveLength(200);
    expect(loki).toEqual(cloudwatch.filter((_, i) => (i + 1) % 100 !== 0));
  });

  it('file-tail cannot read the cache: nothing reaches Loki', () => {
    const { cloudwatch, loki } = run([], { ...SHIPPING, readsDockerApi: false });
    expect(cloudwatch).toHaveLength(202);
    expect(loki).toEqual([]);
  });
});

describe('the drop-lines fault spec', () => {
  it('reads a percent as one line in a whole number', () => {
    expect(parseFaults(['history:drop-lines=0.5%'])).toEqual([
      { kind: 'drop-lines', service: 'history', percent: 0.5, every: 200 },
    ]);
  });

  it.each([
    'history:drop-lines',
    'history:drop-lines=0.3%',
    'history:drop-lines=60%',
    'history:drop-lines=2',
  ])('refuses %s, saying what is expected', (spec) => {
    expect(() => parseFaults([spec])).toThrow(
      /expected drop-lines=<percent>% with one line in a whole number lost/,
    );
  });
});
