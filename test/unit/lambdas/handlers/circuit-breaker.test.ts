import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Service } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { migrationCircuitBreaker, rollbackCircuitBreaker } from '../../../../core/orchestration';
import { loadPlan } from '../../../../lambdas/shared';
import { handler as updateService } from '../../../../lambdas/handlers/update-service';
import { HISTORY_ALLOY_TD, HISTORY_TD, event, historyItem, planDoc } from '../fixtures';

const ecs = mockClient(ECSClient);
const OFF = { enable: false, rollback: false };
const ON = { enable: true, rollback: true };

function service(breaker: { enable: boolean; rollback: boolean } | undefined): Service {
  return {
    serviceName: 'temporal-dev-temporal-history',
    status: 'ACTIVE',
    taskDefinition: HISTORY_TD,
    deploymentConfiguration: {
      minimumHealthyPercent: 50,
      maximumPercent: 150,
      ...(breaker ? { deploymentCircuitBreaker: breaker } : {}),
    },
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: HISTORY_TD }],
  } as Service;
}

function planWith(safetyNet: Record<string, unknown>) {
  return { ...planDoc(), safetyNet };
}

const migrate = (plan = planDoc(), extra: Record<string, unknown> = {}) =>
  updateService({
    ...event('migrate', {
      service: historyItem,
      register: { taskDefinitionArn: HISTORY_ALLOY_TD },
      ...extra,
    }),
    state: {
      plan,
      service: historyItem,
      register: { taskDefinitionArn: HISTORY_ALLOY_TD },
      ...extra,
    },
  });

beforeEach(() => {
  ecs.reset();
  ecs
    .on(UpdateServiceCommand)
    .resolves({ service: { deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY' }] } });
});

describe('the migration circuit breaker rule', () => {
  const plan = (circuitBreaker: boolean, restoreCircuitBreaker: boolean) =>
    loadPlan(planWith({ circuitBreaker, restoreCircuitBreaker }));

  it('switches the net on by default and keeps it on afterwards', () => {
    const defaults = loadPlan(planDoc());
    expect(defaults.safetyNet).toEqual({ circuitBreaker: true, restoreCircuitBreaker: false });
    expect(migrationCircuitBreaker(defaults, OFF)).toEqual({ previous: OFF, applied: ON, restore: false });
  });

  it('restores only when asked and only when something changed', () => {
    expect(migrationCircuitBreaker(plan(true, true), OFF).restore).toBe(true);
    expect(migrationCircuitBreaker(plan(true, true), ON).restore).toBe(false);
    expect(migrationCircuitBreaker(plan(false, true), OFF)).toEqual({
      previous: OFF,
      applied: OFF,
      restore: false,
    });
  });

  it('remembers the setting from before a shadow step switched it on', () => {
    expect(migrationCircuitBreaker(plan(true, true), ON, OFF)).toEqual({
      previous: OFF,
      applied: ON,
      restore: true,
    });
  });

  it('turns ECS own rollback off while a rollback deploys, and says what goes back afterwards', () => {
    const defaults = loadPlan(planDoc());
    // After a failed migration the net is on: ECS would return to the Alloy revision being left.
    expect(rollbackCircuitBreaker(defaults, ON)).toEqual({
      previous: ON,
      applied: { enable: true, rollback: false },
      restore: true,
    });
    // The service's own setting comes back when the plan restores it and the migration recorded it.
    const migration = { previous: OFF, applied: ON, restore: true };
    expect(rollbackCircuitBreaker(plan(true, true), ON, migration).previous).toEqual(OFF);
    expect(rollbackCircuitBreaker(plan(true, true), ON, migration).restore).toBe(true);
    // Nothing to switch when ECS's rollback is already off.
    expect(rollbackCircuitBreaker(defaults, { enable: true, rollback: false })).toMatchObject({
      restore: false,
    });
  });

  it('names a bad plan value', () => {
    expect(() => loadPlan(planWith({ circuitBreaker: 'yes' }))).toThrow(
      /safetyNet\.circuitBreaker.*true or false/,
    );
  });
});

describe('UpdateService and the circuit breaker', () => {
  it('deploys with the breaker and its rollback on, keeping the rest of the deployment configuration', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service(OFF)] });
    const out = await migrate();
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      taskDefinition: HISTORY_ALLOY_TD,
      deploymentConfiguration: {
        minimumHealthyPercent: 50,
        maximumPercent: 150,
        deploymentCircuitBreaker: ON,
      },
    });
    expect(out).toMatchObject({ circuitBreaker: { previous: OFF, applied: ON, restore: false } });
    expect(out.progress.message).toMatch(
      /circuit breaker with rollback switched on .*was enable=false, rollback=false/,
    );
  });

  it('sends no deployment configuration when the breaker is already on', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service(ON)] });
    await migrate();
    const sent = ecs.commandCalls(UpdateServiceCommand)[0]?.args[0].input;
    expect(sent?.deploymentConfiguration).toBeUndefined();
  });

  it('leaves the breaker alone when the plan turns the net off', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service(undefined)] });
    const out = await migrate(planWith({ circuitBreaker: false }));
    expect(ecs.commandCalls(UpdateServiceCommand)[0]?.args[0].input.deploymentConfiguration).toBeUndefined();
    expect(out).toMatchObject({ circuitBreaker: { previous: OFF, applied: OFF, restore: false } });
  });

  it('puts the service own setting back on restore, without a new revision', async () => {
    ecs.on(DescribeServicesCommand).resolves({
      services: [{ ...service(ON), taskDefinition: HISTORY_ALLOY_TD }],
    });
    const out = await updateService({
      ...event('restore-circuit-breaker', {}),
      state: {
        plan: planWith({ restoreCircuitBreaker: true }),
        service: historyItem,
        register: { taskDefinitionArn: HISTORY_ALLOY_TD },
        update: { circuitBreaker: { previous: OFF, applied: ON, restore: true } },
      },
    });
    expect(ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
      taskDefinition: HISTORY_ALLOY_TD,
      deploymentConfiguration: {
        minimumHealthyPercent: 50,
        maximumPercent: 150,
        deploymentCircuitBreaker: OFF,
      },
    });
    expect(out.progress).toMatchObject({ step: 'circuit-breaker', status: 'ok' });
  });

  it('puts the breaker back after a verified rollback from the rollback record', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service({ enable: true, rollback: false })] });
    const out = await updateService({
      ...event('restore-circuit-breaker-after-rollback', {}),
      state: {
        plan: planDoc(),
        service: historyItem,
        rollback: {
          circuitBreaker: { previous: ON, applied: { enable: true, rollback: false }, restore: true },
        },
      },
    });
    const sent = ecs.commandCalls(UpdateServiceCommand)[0]?.args[0].input;
    expect(sent?.deploymentConfiguration?.deploymentCircuitBreaker).toEqual(ON);
    // The revision the service runs, unchanged: no deployment starts for it.
    expect(sent?.taskDefinition).toBe(HISTORY_TD);
    expect(out.progress.message).toMatch(/after the verified rollback/);
  });

  it('refuses a restore without the record of what was switched', async () => {
    ecs.on(DescribeServicesCommand).resolves({ services: [service(ON)] });
    await expect(
      updateService({
        ...event('restore-circuit-breaker', {}),
        state: { plan: planDoc(), service: historyItem, register: { taskDefinitionArn: HISTORY_ALLOY_TD } },
      }),
    ).rejects.toThrow(/expected \$\.update\.circuitBreaker/);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });
});
