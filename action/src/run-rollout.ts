import type { SFNClient } from '@aws-sdk/client-sfn';
import { orderedServices } from '../../core/plan/resolve';
import { consoleUrl } from './execution-name';
import { DEFAULT_POLL_INTERVAL_MS, followExecution } from './follow';
import { conclude, describeFailure, servicesWithOutcome, type Conclusion } from './outcome';
import { DEFAULT_PACER, RequestPacer, type Clock, type PacerOptions } from './pacer';
import { withChildEvidence } from './child-reports';
import { refusedByLock, nextLockWaitMs } from './lock-wait';
import { startOrAttach, type Started } from './start';
import { renderSummary } from './summary';
import type { ActionFailure, ActionInputs, ActionIO, ActionResult } from './types';

export interface RolloutDeps {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly io: ActionIO;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * Longest gap between two reads of an execution that may change at any moment (Wait states and
   * a parent blocked on its child are not read until they can change).
   */
  readonly pollIntervalMs?: number;
  readonly pacer?: Partial<PacerOptions>;
  /** Called as each step line is printed, with the time (ms) of the history event it reports. */
  readonly onStepPrinted?: (eventAt: number) => void;
}

/** Output names as action.yml declares them. */
export const OUTPUT = {
  executionArn: 'execution-arn',
  status: 'status',
  report: 'report',
  migratedServices: 'migrated-services',
  rolledBackServices: 'rolled-back-services',
} as const;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function setOutputs(io: ActionIO, result: ActionResult): void {
  io.setOutput(OUTPUT.executionArn, result.executionArn);
  io.setOutput(OUTPUT.status, result.status);
  io.setOutput(OUTPUT.report, result.report ? JSON.stringify(result.report) : '');
  io.setOutput(OUTPUT.migratedServices, result.migratedServices.join(','));
  io.setOutput(OUTPUT.rolledBackServices, result.rolledBackServices.join(','));
}

function describeRun(inputs: ActionInputs): string {
  const services = orderedServices(inputs.plan);
  const scope = [
    inputs.services
      ? `services ${inputs.services.join(', ')}`
      : `${services.length} services in ${inputs.plan.phases.length} phases`,
    inputs.phase ? `up to phase ${inputs.phase}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  return `${inputs.mode} on cluster ${inputs.plan.cluster} (${scope}) from ${inputs.planFile}`;
}

function announce(io: ActionIO, inputs: ActionInputs, started: Started): Started {
  io.info(
    started.attached
      ? `Attached to ${started.executionArn}: ${started.reason ?? 'already started'}`
      : `Started ${started.executionArn}`,
  );
  io.info(`Console: ${consoleUrl(inputs.region, started.executionArn)}`);
  // Set at once so a later step can find the execution even if this one is cancelled.
  io.setOutput(OUTPUT.executionArn, started.executionArn);
  return started;
}

interface Followed {
  readonly followed: Awaited<ReturnType<typeof followExecution>>;
  readonly conclusion: Conclusion;
}

/**
 * Starts (or attaches to) the rollout, follows it live, then writes the summary and the outputs.
 * With wait-for-lock, an execution refused because another one holds the cluster lock is followed
 * by a new start of the same step after a backoff, until the lock is free or the wait is over.
 * Never fails the job itself: it writes the failure annotation and returns `failure`, and the
 * caller decides what a failure means for its process.
 */
export async function runRollout(inputs: ActionInputs, deps: RolloutDeps): Promise<ActionResult> {
  const { io, sfn } = deps;
  const clock: Clock = { now: deps.now ?? Date.now, sleep: deps.sleep ?? realSleep };
  const pacer = new RequestPacer(clock, { ...DEFAULT_PACER, ...deps.pacer });
  const startedAt = clock.now();

  io.info(`alloy-rollout: ${describeRun(inputs)}`);
  let started = announce(io, inputs, await startOrAttach(sfn, inputs, pacer));

  if (!inputs.wait) {
    const result: ActionResult = {
      executionArn: started.executionArn,
      attached: started.attached,
      status: 'RUNNING',
      migratedServices: [],
      rolledBackServices: [],
    };
    setOutputs(io, result);
    await io.appendSummary(
      renderSummary({
        mode: inputs.mode,
        plan: inputs.plan,
        region: inputs.region,
        executionArn: started.executionArn,
        attached: started.attached,
        status: 'RUNNING',
        note: 'wait is false: the Action started the rollout and did not follow it.',
      }),
    );
    return result;
  }

  const deadline =
    inputs.timeoutMinutes === undefined ? undefined : startedAt + inputs.timeoutMinutes * 60_000;
  const onStepPrinted = deps.onStepPrinted;
  const follow = async (executionArn: string): Promise<Followed> => {
    const followed = await followExecution(
      { sfn, io, clock, pacer, ...(onStepPrinted ? { onStepPrinted } : {}) },
      executionArn,
      {
        pollIntervalMs: deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
        ...(deadline !== undefined ? { deadline } : {}),
      },
    );
    const concluded: Conclusion = followed.end
      ? conclude(followed.end, followed.report)
      : { status: 'RUNNING' };
    const conclusion: Conclusion = concluded.report
      ? { ...concluded, report: await withChildEvidence(concluded.report, { sfn, pacer, io }) }
      : concluded;
    return { followed, conclusion };
  };

  let { followed, conclusion } = await follow(started.executionArn);
  const waitUntil = inputs.waitForLockMs === undefined ? undefined : startedAt + inputs.waitForLockMs;
  let refusals = 0;
  while (waitUntil !== undefined && followed.end && refusedByLock(conclusion)) {
    const waitMs = nextLockWaitMs(started.round, clock.now(), waitUntil);
    // timeout-minutes bounds the whole step, the waits included.
    if (waitMs === undefined || (deadline !== undefined && clock.now() + waitMs >= deadline)) break;
    refusals++;
    io.info(
      `The cluster lock is not free: ${conclusion.cause?.message ?? 'held by another execution'}. wait-for-lock: starting again in ${Math.ceil(waitMs / 1000)} s (waiting until ${new Date(waitUntil).toISOString()} at most).`,
    );
    await clock.sleep(waitMs);
    started = announce(io, inputs, await startOrAttach(sfn, inputs, pacer, started.round + 1));
    ({ followed, conclusion } = await follow(started.executionArn));
  }

  const failure: ActionFailure | undefined = followed.lost
    ? {
        title: 'Lost track of the execution',
        message: `Stopped following: ${followed.lost.message}. The execution was not stopped and goes on; re-run this job to follow it again.`,
      }
    : describeFailure(conclusion.status, conclusion.cause, followed.end ? undefined : inputs.timeoutMinutes);
  const result: ActionResult = {
    executionArn: started.executionArn,
    attached: started.attached,
    status: conclusion.status,
    ...(conclusion.report ? { report: conclusion.report } : {}),
    migratedServices: servicesWithOutcome(conclusion.report, 'migrated'),
    rolledBackServices: servicesWithOutcome(conclusion.report, 'rolled-back'),
    ...(failure ? { failure } : {}),
  };

  const waited =
    refusals > 0
      ? `The cluster lock was held by another rollout: ${refusals} start${refusals === 1 ? ' was' : 's were'} refused before this one (wait-for-lock).`
      : undefined;
  const note = !followed.end && failure ? failure.message : waited;
  io.info(`Execution ${conclusion.status === 'RUNNING' ? 'still running' : `ended: ${conclusion.status}`}`);
  setOutputs(io, result);
  await io.appendSummary(
    renderSummary({
      mode: inputs.mode,
      plan: inputs.plan,
      region: inputs.region,
      executionArn: started.executionArn,
      attached: started.attached,
      status: result.status,
      ...(result.report ? { report: result.report } : {}),
      ...(conclusion.cause ? { cause: conclusion.cause } : {}),
      ...(note ? { note } : {}),
    }),
  );
  if (failure)
    io.error(`${failure.message}\nExecution: ${consoleUrl(inputs.region, started.executionArn)}`, {
      title: failure.title,
    });
  return result;
}
