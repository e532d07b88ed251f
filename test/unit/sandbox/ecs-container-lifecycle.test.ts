import {
  restartAttemptPeriodMs,
  restartDecision,
  stopTimeoutMs,
} from '../../../sandbox/ecs/container-lifecycle';
import type { ContainerDefinition } from '../../../sandbox/ecs/model';

const sidecar = (extra: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: 'alloy',
  image: 'grafana/alloy:v1.18.1',
  ...extra,
});

describe('ECS container restart policy', () => {
  it.each([
    ['no policy', sidecar(), 1, 600_000, { restart: false, why: 'no-policy' }],
    [
      'a disabled policy',
      sidecar({ restartPolicy: { enabled: false, restartAttemptPeriod: 60 } }),
      1,
      600_000,
      { restart: false, why: 'no-policy' },
    ],
    [
      'a container that ran its period',
      sidecar({ restartPolicy: { enabled: true, restartAttemptPeriod: 60 } }),
      1,
      60_000,
      { restart: true },
    ],
    [
      'a container that ran less than its period',
      sidecar({ restartPolicy: { enabled: true, restartAttemptPeriod: 60 } }),
      1,
      59_999,
      { restart: false, why: 'ran-too-briefly' },
    ],
    [
      'the default period (300 s) when the policy names none',
      sidecar({ restartPolicy: { enabled: true } }),
      1,
      299_000,
      { restart: false, why: 'ran-too-briefly' },
    ],
    [
      'an ignored exit code',
      sidecar({ restartPolicy: { enabled: true, restartAttemptPeriod: 60, ignoredExitCodes: [0, 1] } }),
      1,
      600_000,
      { restart: false, why: 'ignored-exit-code' },
    ],
    [
      'an exit code the policy does not ignore',
      sidecar({ restartPolicy: { enabled: true, restartAttemptPeriod: 60, ignoredExitCodes: [0] } }),
      137,
      600_000,
      { restart: true },
    ],
  ])('%s', (_what, def, exitCode, ranMs, expected) => {
    expect(restartDecision(def, exitCode, ranMs)).toEqual(expected);
  });

  it('reads the period and the stop timeout in milliseconds, with the agent defaults', () => {
    expect(
      restartAttemptPeriodMs(sidecar({ restartPolicy: { enabled: true, restartAttemptPeriod: 90 } })),
    ).toBe(90_000);
    expect(restartAttemptPeriodMs(sidecar())).toBeUndefined();
    expect(stopTimeoutMs(sidecar({ stopTimeout: 40 }))).toBe(40_000);
    expect(stopTimeoutMs(sidecar())).toBe(30_000);
  });
});
