import type { SFNClient } from '@aws-sdk/client-sfn';
import { orderedServices } from '../../core/plan/resolve';
import { consoleUrl } from './execution-name';
import { DEFAULT_POLL_INTERVAL_MS, followExecution } from './follow';
import { conclude, describeFailure, servicesWithOutcome, type Conclusion } from './outcome';
import { DEFAULT_PACER, RequestPacer, type Clock, type PacerOptions } from './pacer';
import { withChildEvidence } from './child-reports';
import { startOrAttach } from './start';
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

/**
 * Starts (or attaches to) the rollout, follows it live, then writes the summary and the outputs.
 * Never fails the job itself: it writes the failure annotation and returns `failure`, and the
 * caller decides what a failure means for its process.
 */
export async function runRollout(inputs: ActionInputs, deps: RolloutDeps): Promise<ActionResult> {
  const { io, sfn } = deps;
  const clock: Clock = { now: deps.now ?? Date.now, sleep: deps.sleep ?? realSleep };
  const pacer = new RequestPacer(clock, { ...DEFAULT_PACER, ...deps.pacer });
  const startedAt = clock.now();

  io.info(`alloy-rollout: ${describeRun(inputs)}`);
  const started = await startOrAttach(sfn, inputs, pacer);
  const link = consoleUrl(inputs.region, started.executionArn);
  io.info(
    started.attached
      ? `Attached to ${started.executionArn}: ${started.reason ?? 'already started'}`
      : `Started ${started.executionArn}`,
  );
  io.info(`Console: ${link}`);
  // Set at once so a later step can find the execution even if this one is cancelled.
  io.setOutput(OUTPUT.executionArn, started.executionArn);

  const base = { executionArn: started.executionArn, attached: started.attached };
  const summaryBase = {
    mode: inputs.mode,
    plan: inputs.plan,
    region: inputs.region,
    executionArn: started.executionArn,
    attached: started.attached,
  };

  if (!inputs.wait) {
    const result: ActionResult = { ...base, status: 'RUNNING', migratedServices: [], rolledBackServices: [] };
    setOutputs(io, result);
    await io.appendSummary(
      renderSummary({
        ...summaryBase,
        status: 'RUNNING',
        note: 'wait is false: the Action started the rollout and did not follow it.',
      }),
    );
    return result;
  }

  const deadline =
    inputs.timeoutMinutes === undefined ? undefined : startedAt + inputs.timeoutMinutes * 60_000;
  const onStepPrinted = deps.onStepPrinted;
  const followed = await followExecution(
    { sfn, io, clock, pacer, ...(onStepPrinted ? { onStepPrinted } : {}) },
    started.executionArn,
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
  const failure: ActionFailure | undefined = followed.lost
    ? {
        title: 'Lost track of the execution',
        message: `Stopped following: ${followed.lost.message}. The execution was not stopped and goes on; re-run this job to follow it again.`,
      }
    : describeFailure(conclusion.status, conclusion.cause, followed.end ? undefined : inputs.timeoutMinutes);
  const result: ActionResult = {
    ...base,
    status: conclusion.status,
    ...(conclusion.report ? { report: conclusion.report } : {}),
    migratedServices: servicesWithOutcome(conclusion.report, 'migrated'),
    rolledBackServices: servicesWithOutcome(conclusion.report, 'rolled-back'),
    ...(failure ? { failure } : {}),
  };

  io.info(`Execution ${conclusion.status === 'RUNNING' ? 'still running' : `ended: ${conclusion.status}`}`);
  setOutputs(io, result);
  await io.appendSummary(
    renderSummary({
      ...summaryBase,
      status: result.status,
      ...(result.report ? { report: result.report } : {}),
      ...(conclusion.cause ? { cause: conclusion.cause } : {}),
      ...(!followed.end && failure ? { note: failure.message } : {}),
    }),
  );
  if (failure) io.error(`${failure.message}\nExecution: ${link}`, { title: failure.title });
  return result;
}
