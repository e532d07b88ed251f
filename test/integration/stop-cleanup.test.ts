import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { recoveryExecutionName } from '../../core/orchestration/aftermath';
import { orderedServices } from '../../core/plan/resolve';
import { applyEnv } from '../../sandbox/env';
import { startPrometheus } from '../../sandbox/prometheus';
import { seedPlanCluster } from '../../sandbox/rehearse/cluster';
import { readRehearsalInputs, sandboxPlanDocument } from '../../sandbox/rehearse/inputs';
import { observe, type Observation } from '../../sandbox/rehearse/observe';
import { startSandbox, type Sandbox } from '../../sandbox/sandbox';
import { ROOT } from './support/fixtures';
import { REHEARSAL_TEST_SPEED, testPlan } from './support/rehearsal';
import { waitFor } from './support/wait';

jest.setTimeout(200_000);

interface StoppedRollout {
  readonly parentArn: string;
  readonly parentStatus: string | undefined;
  readonly stoppedChild?: { readonly arn: string; readonly status: string | undefined };
  /** Absent when the cleanup found nothing to put back (it released the lock instead). */
  readonly recovery?: { readonly arn: string; readonly status: string | undefined; readonly input: unknown };
  /** The parent's migrate children: their service and how they ended. */
  readonly migrateChildren: readonly { readonly service: string; readonly status: string | undefined }[];
  /** Top-level executions named like a recovery (their children's names extend it), after two deliveries. */
  readonly recoveries: readonly string[];
  readonly observed: Observation;
  /** Published to the notification topic: the email text and the chat (AWS Chatbot) form. */
  readonly notices: readonly { subject?: string; message: string; chat: unknown }[];
  /** What ExecutionEnded returned for the parent's event, first and second delivery. */
  readonly cleanups: readonly unknown[];
}

/**
 * A migrate of the two-service test plan (worker, then history) on the sandbox, stopped with the
 * SDK's StopExecution while history's child is in its Verify step (or, with `timeoutSeconds`, ended
 * by the state machine's TimeoutSeconds); then the EventBridge rule runs ExecutionEnded, whose
 * recovery rollback runs to its end. The parent's event is delivered a second time (EventBridge
 * delivers at least once) while the recovery runs.
 */
async function stopMidRollout(
  scope: 'all' | 'service',
  end: 'stop' | { readonly timeoutSeconds: number } = 'stop',
  planText = testPlan(scope),
): Promise<StoppedRollout> {
  const dir = mkdtempSync(path.join(tmpdir(), 'stop-cleanup-'));
  const planFile = path.join(dir, 'plan.yaml');
  writeFileSync(planFile, planText);
  const inputs = await readRehearsalInputs(planFile, path.join(ROOT, 'examples', 'task-definitions'));
  const { plan } = inputs;
  let sandbox: Sandbox | undefined;
  let restoreEnv: (() => void) | undefined;
  const sfn = new SFNClient({ region: plan.region });
  try {
    sandbox = await startSandbox({
      port: 0,
      clockSpeed: REHEARSAL_TEST_SPEED,
      region: plan.region,
      serviceAliases: Object.fromEntries(orderedServices(plan).map((s) => [s.name, s.ecsService])),
      ampWorkspaceId: plan.amp.workspaceId,
      root: ROOT,
      metrics: () => startPrometheus({ dir: path.join(dir, 'prometheus') }),
    });
    const sb = sandbox;
    restoreEnv = applyEnv(sb.env);
    await sb.warmLambdas();
    await seedPlanCluster(sb, inputs);
    await sb.metricsSettled();
    const stateMachineArn = await sb.deployOrchestrator(undefined, end === 'stop' ? {} : end);
    const document = sandboxPlanDocument(inputs.document, sb.url, sb.ampQueryUrl ?? sb.url, sb.grafana);
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: `stop-me-${scope}${end === 'stop' ? '' : '-timeout'}`,
        input: JSON.stringify({ mode: 'migrate', plan: document, requestedBy: 'stop-cleanup test' }),
      }),
    );
    const parentArn = started.executionArn ?? '';

    // history's child, once it has entered its Verify step (Alloy revision deployed, soak running).
    const childArn =
      end !== 'stop'
        ? undefined
        : await waitFor(
            "history's child in its Verify step",
            async () => {
              const { executions = [] } = await sfn.send(
                new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }),
              );
              for (const e of executions) {
                const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
                const input = JSON.parse(d.input ?? '{}') as { mode?: string; service?: { name?: string } };
                if (input.mode !== 'service-migrate' || input.service?.name !== 'history') continue;
                const h = await sfn.send(
                  new GetExecutionHistoryCommand({ executionArn: e.executionArn, maxResults: 1000 }),
                );
                if (h.events?.some((ev) => ev.stateEnteredEventDetails?.name === 'Verify'))
                  return e.executionArn;
              }
              return undefined;
            },
            sb.clock.realMs(10 * 60_000),
          );
    if (end === 'stop')
      await sfn.send(
        new StopExecutionCommand({
          executionArn: parentArn,
          error: 'Operator.Stop',
          cause: 'stopped from the console',
        }),
      );

    const recoveryArn = recoveryExecutionName(parentArn, true);
    const firstCleanup = await waitFor(
      'the cleanup of the ended parent',
      () =>
        sb.events.deliveries.find(
          (d) => (d.event as { detail: { executionArn: string } }).detail.executionArn === parentArn,
        ),
      sb.clock.realMs(20 * 60_000),
    );
    // The same event again while the recovery runs: it must not start a second one.
    sb.events.put(firstCleanup.event);
    await sb.events.idle();
    const recovered =
      (firstCleanup.result as { cleanup?: { kind?: string } } | undefined)?.cleanup?.kind === 'recovery';
    const recoveryEnd = !recovered
      ? undefined
      : await waitFor(
          'the recovery rollback to end',
          async () => {
            const d = await sfn.send(new DescribeExecutionCommand({ executionArn: recoveryArn }));
            return d.status === 'RUNNING' ? undefined : d;
          },
          sb.clock.realMs(20 * 60_000),
        );
    await sb.events.idle();
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    const child = childArn
      ? await sfn.send(new DescribeExecutionCommand({ executionArn: childArn }))
      : undefined;
    const parentEnd = await sfn.send(new DescribeExecutionCommand({ executionArn: parentArn }));
    const migrateChildren = [];
    for (const e of [...executions].reverse()) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
      const input = JSON.parse(d.input ?? '{}') as {
        mode?: string;
        parentExecutionArn?: string;
        service?: { name: string };
      };
      if (input.mode === 'service-migrate' && input.parentExecutionArn === parentArn)
        migrateChildren.push({ service: input.service?.name ?? '', status: d.status });
    }
    const observed = await observe(sb, plan, recoveryArn);
    return {
      parentArn,
      parentStatus: parentEnd.status,
      ...(childArn ? { stoppedChild: { arn: childArn, status: child?.status } } : {}),
      ...(recoveryEnd
        ? {
            recovery: {
              arn: recoveryArn,
              status: recoveryEnd.status,
              input: JSON.parse(recoveryEnd.input ?? '{}') as unknown,
            },
          }
        : {}),
      migrateChildren,
      recoveries: executions
        .filter((e) => /^recover-[0-9a-f]{24}$/.test(e.name ?? ''))
        .map((e) => e.executionArn ?? ''),
      observed,
      notices: sb.sns.published(sb.notifyTopicArn).map((n) => ({
        ...(n.subject !== undefined ? { subject: n.subject } : {}),
        message: n.byProtocol?.['email'] ?? '',
        chat: JSON.parse(n.message) as unknown,
      })),
      cleanups: sb.events.deliveries
        .filter((d) => (d.event as { detail: { executionArn: string } }).detail.executionArn === parentArn)
        .map((d) => d.result ?? d.error),
    };
  } finally {
    sfn.destroy();
    await sandbox?.stop();
    restoreEnv?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

const on = (o: Observation, name: string) => o.services.find((s) => s.name === name);

describe('stopping a running rollout (sandbox, real orchestrator, EventBridge rule, ExecutionEnded)', () => {
  it('scope all: the recovery puts worker and history back, releases the lock, and the stop is notified', async () => {
    const r = await stopMidRollout('all');
    expect(r.stoppedChild?.status).toBe('ABORTED');
    expect(r.migrateChildren).toEqual([
      { service: 'worker', status: 'SUCCEEDED' },
      { service: 'history', status: 'ABORTED' },
    ]);
    expect(r.recovery).toMatchObject({
      status: 'SUCCEEDED',
      input: { mode: 'rollback', services: ['worker', 'history'], recovers: r.parentArn },
    });
    expect(r.recoveries).toEqual([r.recovery?.arn]);
    for (const name of ['worker', 'history'])
      expect(on(r.observed, name)).toMatchObject({
        finalCollector: 'adot',
        finalLogDriver: 'awslogs',
        logsReceivedBy: 'cloudwatch',
      });
    expect(r.observed.lockItem).toBeUndefined(); // no lock item for the cluster at all
    expect(r.cleanups[0]).toMatchObject({
      cleanup: { kind: 'recovery', recoveryArn: r.recovery?.arn, alreadyStarted: false },
    });
    const notice = r.notices.find((n) => n.message.includes(`Execution: ${r.parentArn}`));
    expect(notice?.subject).toBe('alloy-rollout temporal-dev: rollout stopped, recovery rollback started');
    expect(notice?.message).toContain(r.recovery?.arn);
    expect(notice?.message).toContain('Cause: stopped from the console');
    expect(notice?.chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { title: notice?.subject },
      metadata: { relatedResources: [r.parentArn, r.recovery?.arn] },
    });
  });

  it('scope service: only history goes back; worker stays on Alloy; the lock is released', async () => {
    const r = await stopMidRollout('service');
    expect(r.stoppedChild?.status).toBe('ABORTED');
    expect(r.recovery).toMatchObject({ status: 'SUCCEEDED', input: { services: ['history'] } });
    expect(r.recoveries).toEqual([r.recovery?.arn]);
    expect(on(r.observed, 'history')).toMatchObject({ finalCollector: 'adot', logsReceivedBy: 'cloudwatch' });
    expect(on(r.observed, 'worker')).toMatchObject({ finalCollector: 'alloy', logsReceivedBy: 'loki' });
    expect(r.observed.lockItem).toBeUndefined(); // no lock item for the cluster at all
    expect(
      r.notices.some((n) => n.message.includes(r.parentArn) && n.message.includes(r.recovery?.arn ?? '-')),
    ).toBe(true);
  });
});

describe('a rollout that runs past the state machine\u2019s TimeoutSeconds (sandbox)', () => {
  it('TIMED_OUT: its running child is stopped, every started service is put back (scope all), the lock released', async () => {
    // The recovery runs on the same state machine, under the same TimeoutSeconds: a 3-minute soak
    // keeps the migration long (each service about 4 simulated minutes) while a rollback stays short
    // (about 75 s a service), so 240 s falls inside the migration and leaves the recovery room.
    // The assertions hold wherever it falls (Lambda calls take real time, so the phase can move).
    const planText = testPlan('all').replace('soak: 30s', 'soak: 3m');
    const r = await stopMidRollout('all', { timeoutSeconds: 240 }, planText);
    expect(r.parentStatus).toBe('TIMED_OUT');
    const started = r.migrateChildren.map((c) => c.service);
    expect(r.migrateChildren.filter((c) => c.status === 'RUNNING')).toEqual([]);
    if (started.length > 0) {
      expect(r.migrateChildren.at(-1)?.status).toBe('ABORTED');
      expect(r.recovery).toMatchObject({
        status: 'SUCCEEDED',
        input: { mode: 'rollback', services: started, recovers: r.parentArn },
      });
      expect(r.recoveries).toEqual([r.recovery?.arn]);
    } else expect(r.cleanups[0]).toMatchObject({ cleanup: { kind: 'lock-released', released: true } });
    for (const name of ['worker', 'history'])
      expect(on(r.observed, name)).toMatchObject({ finalCollector: 'adot', logsReceivedBy: 'cloudwatch' });
    expect(r.observed.lockItem).toBeUndefined();
    expect(
      r.notices.some((n) => n.subject?.startsWith('alloy-rollout temporal-dev: rollout timed out')),
    ).toBe(true);
  });
});
