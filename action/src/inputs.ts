import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { USER_MODES, type UserMode } from '../../core/execution';
import { InputInvalidError, PlanInvalidError } from '../../core/errors';
import { formatProblems } from '../../core/plan/parse';
import { formatDuration, parseDuration } from '../../core/plan/duration';
import { parsePlanText } from '../../core/plan/parse-text';
import { orderedServices } from '../../core/plan/resolve';
import type { Plan } from '../../core/plan/schema';
import type { ActionInputs, GitHubRun } from './types';

/** Where inputs come from: @actions/core in the runner, plain objects in tests and the rehearsal. */
export interface InputSource {
  /** The raw input value ("" when not given), as `core.getInput(name)` returns it. */
  getInput(name: string): string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the plan file (an absolute path). */
  readFile(path: string): string;
  /** Directory relative plan paths start from when GITHUB_WORKSPACE is not set. */
  readonly cwd: string;
}

/** Input names as action.yml declares them. */
export const INPUT = {
  mode: 'mode',
  stateMachineArn: 'state-machine-arn',
  planFile: 'plan-file',
  services: 'services',
  phase: 'phase',
  wait: 'wait',
  timeoutMinutes: 'timeout-minutes',
  awsRegion: 'aws-region',
  waitForLock: 'wait-for-lock',
} as const;

export const DEFAULT_PLAN_FILE = 'rollout.yaml';
/** The phase value that means "up to the last phase the plan marks enabled". */
export const ENABLED_PHASE = 'enabled';
/** GitHub-hosted jobs stop after 6 hours and self-hosted ones after 72; anything above is a typo. */
const MAX_TIMEOUT_MINUTES = 72 * 60;
const MAX_WAIT_FOR_LOCK_MS = MAX_TIMEOUT_MINUTES * 60_000;

const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The YAML 1.2 core-schema booleans, as `core.getBooleanInput` accepts them. */
function parseBoolean(value: string): boolean | undefined {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  return undefined;
}

/** Splits a comma- or newline-separated list; blanks are dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function readGitHubRun(env: InputSource['env'], problems: string[]): GitHubRun {
  const repository = env['GITHUB_REPOSITORY'] ?? '';
  const runId = env['GITHUB_RUN_ID'] ?? '';
  const attemptText = env['GITHUB_RUN_ATTEMPT'] ?? '1';
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository))
    problems.push(
      `GITHUB_REPOSITORY: expected "owner/name" (set by the runner), got ${JSON.stringify(repository)}`,
    );
  if (!/^\d+$/.test(runId))
    problems.push(
      `GITHUB_RUN_ID: expected the run's number (set by the runner), got ${JSON.stringify(runId)}`,
    );
  const runAttempt = Number(attemptText);
  if (!/^\d+$/.test(attemptText) || runAttempt < 1)
    problems.push(
      `GITHUB_RUN_ATTEMPT: expected a number from 1 (set by the runner), got ${JSON.stringify(attemptText)}`,
    );
  const actor = env['GITHUB_TRIGGERING_ACTOR'] || env['GITHUB_ACTOR'];
  return { repository, runId, runAttempt, ...(actor ? { actor } : {}) };
}

interface PlanFile {
  readonly path: string;
  readonly document: Record<string, unknown>;
  readonly plan: Plan;
}

function readPlan(source: InputSource, planFile: string): PlanFile {
  const base = source.env['GITHUB_WORKSPACE'] || source.cwd;
  const path = isAbsolute(planFile) ? planFile : resolve(base, planFile);
  let text: string;
  try {
    text = source.readFile(path);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((error as Error).message);
    throw new InputInvalidError(
      `plan-file: cannot read ${JSON.stringify(planFile)} (${path}): ${reason}; expected the path of the rollout plan relative to the repository root (did the job check out the repository?)`,
      { planFile, path },
      { cause: error },
    );
  }
  const result = parsePlanText(text);
  if (!result.ok)
    throw new PlanInvalidError(formatProblems(planFile, result.problems), { problems: result.problems });
  // The execution gets the plan as written: every Lambda re-validates it with the same schema.
  const document = parseYaml(text) as Record<string, unknown>;
  return { path, document, plan: result.plan };
}

function checkServices(names: readonly string[], plan: Plan, problems: string[]): void {
  const known = orderedServices(plan).map((s) => s.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    problems.push(
      `services: ${unknown.map((n) => JSON.stringify(n)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the plan; expected names from: ${known.join(', ')}`,
    );
  const duplicates = names.filter((name, i) => names.indexOf(name) !== i);
  if (duplicates.length > 0)
    problems.push(`services: ${[...new Set(duplicates)].join(', ')} listed more than once`);
}

function checkPhase(phase: string, mode: UserMode, plan: Plan, problems: string[]): void {
  if (mode === 'rollback') {
    problems.push(
      'phase: only applies to modes "migrate" and "plan"; to roll back part of the cluster, list the services instead',
    );
    return;
  }
  const names = plan.phases.map((p) => p.name);
  if (phase === ENABLED_PHASE) {
    if (!plan.phases.some((p) => p.enabled))
      problems.push('phase: "enabled" was given but the plan marks no phase as enabled');
    return;
  }
  if (!names.includes(phase))
    problems.push(
      `phase: ${JSON.stringify(phase)} is not a phase of the plan; expected one of: ${[...names, ENABLED_PHASE].join(', ')}`,
    );
}

/**
 * Reads and validates every input once, before anything starts. Throws InputInvalidError listing
 * every problem found (or PlanInvalidError when the plan file itself is wrong).
 */
export function parseInputs(source: InputSource): ActionInputs {
  const input = (name: string) => source.getInput(name).trim();
  const problems: string[] = [];

  const modeText = input(INPUT.mode);
  const mode = (USER_MODES as readonly string[]).includes(modeText) ? (modeText as UserMode) : undefined;
  if (!mode)
    problems.push(
      `mode: expected one of ${USER_MODES.map((m) => `"${m}"`).join(', ')}, got ${modeText ? JSON.stringify(modeText) : 'nothing'}`,
    );

  const stateMachineArn = input(INPUT.stateMachineArn);
  const arnMatch = STATE_MACHINE_ARN.exec(stateMachineArn);
  if (!arnMatch)
    problems.push(
      `state-machine-arn: expected a Step Functions state machine ARN such as "arn:aws:states:eu-west-1:123456789012:stateMachine:alloy-rollout", got ${stateMachineArn ? JSON.stringify(stateMachineArn) : 'nothing'}`,
    );

  const regionInput = input(INPUT.awsRegion);
  const arnRegion = arnMatch?.[1];
  if (regionInput && !REGION.test(regionInput))
    problems.push(
      `aws-region: expected an AWS region such as "eu-west-1", got ${JSON.stringify(regionInput)}`,
    );
  else if (regionInput && arnRegion && regionInput !== arnRegion)
    problems.push(
      `aws-region: ${JSON.stringify(regionInput)} differs from the state machine's region ${JSON.stringify(arnRegion)}; leave aws-region empty or make them match`,
    );
  const region = regionInput || arnRegion || '';

  const waitText = input(INPUT.wait);
  const wait = waitText === '' ? true : parseBoolean(waitText);
  if (wait === undefined) problems.push(`wait: expected true or false, got ${JSON.stringify(waitText)}`);

  const timeoutText = input(INPUT.timeoutMinutes);
  let timeoutMinutes: number | undefined;
  if (timeoutText !== '') {
    const value = Number(timeoutText);
    if (!/^\d+(\.\d+)?$/.test(timeoutText) || value <= 0 || value > MAX_TIMEOUT_MINUTES)
      problems.push(
        `timeout-minutes: expected a number of minutes above 0 and at most ${MAX_TIMEOUT_MINUTES}, got ${JSON.stringify(timeoutText)}`,
      );
    else timeoutMinutes = value;
  }

  const waitForLockText = input(INPUT.waitForLock);
  let waitForLockMs = 0;
  if (waitForLockText !== '' && waitForLockText !== '0') {
    const ms = parseDuration(waitForLockText);
    if (ms === null || ms > MAX_WAIT_FOR_LOCK_MS)
      problems.push(
        `wait-for-lock: expected a duration such as "30m" or "1h30m" (units ms, s, m, h; at most ${formatDuration(MAX_WAIT_FOR_LOCK_MS)}), or 0 not to wait, got ${JSON.stringify(waitForLockText)}`,
      );
    else if (wait === false)
      problems.push(
        'wait-for-lock: only applies when the Action follows the execution (wait: true); with wait: false it returns before the lock is even tried',
      );
    else waitForLockMs = ms;
  }

  const github = readGitHubRun(source.env, problems);
  const planFile = input(INPUT.planFile) || DEFAULT_PLAN_FILE;
  const servicesText = source.getInput(INPUT.services);
  const services = splitList(servicesText);
  const phase = input(INPUT.phase);

  // The plan is read even when other inputs are wrong, so one run reports every problem it can.
  let planFileResult: PlanFile | undefined;
  let planError: Error | undefined;
  try {
    planFileResult = readPlan(source, planFile);
  } catch (error) {
    planError = error as Error;
  }
  if (planFileResult) {
    if (services.length > 0) checkServices(services, planFileResult.plan, problems);
    if (phase && mode) checkPhase(phase, mode, planFileResult.plan, problems);
  }

  if (problems.length > 0) {
    const planNote = planError ? [`${planError.message}`] : [];
    const all = [...problems, ...planNote];
    throw new InputInvalidError(
      `${all.length} input problem${all.length === 1 ? '' : 's'}:\n${all.map((p) => `  - ${p}`).join('\n')}`,
      {
        problems: all,
      },
    );
  }
  if (planError) throw planError;
  if (!planFileResult || !mode || wait === undefined) throw new InputInvalidError('inputs could not be read'); // unreachable: problems were listed

  return Object.freeze({
    mode,
    stateMachineArn,
    region,
    planFile,
    planDocument: planFileResult.document,
    plan: planFileResult.plan,
    ...(services.length > 0 ? { services: Object.freeze(services) } : {}),
    ...(phase ? { phase } : {}),
    wait,
    ...(timeoutMinutes !== undefined ? { timeoutMinutes } : {}),
    ...(waitForLockMs > 0 ? { waitForLockMs } : {}),
    github: Object.freeze(github),
  });
}
