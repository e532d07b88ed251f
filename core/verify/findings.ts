import type { Verdict } from '../report/types';
import { capList, measurementError, taskIdOf, worstVerdict } from './evidence';
import type { Measurement } from './types';

/**
 * What an assessor has found so far: each problem with the verdict it calls for, in the order
 * found, so the message reads in the same order as the checks ran. The logs, metrics and
 * CloudWatch assessors all build their verdict and message this way.
 */
export class Findings {
  private readonly verdicts: Verdict[] = [];
  private readonly found: string[] = [];

  /** A problem that decides the verdict. */
  add(verdict: Verdict, problem: string): void {
    this.verdicts.push(verdict);
    this.found.push(problem);
  }

  /** A remark for the message that does not change the verdict (e.g. a part that was skipped). */
  note(remark: string): void {
    this.found.push(remark);
  }

  /**
   * A part that passes for now but is not judged yet (e.g. a task too young for its scrape cadence
   * to be measured): it does not hold the soak back, but the service cannot pass until it is judged.
   */
  notYetJudged(remark: string): void {
    this.found.push(remark);
    this.open.push(remark);
  }

  private readonly open: string[] = [];

  /** What is not judged yet, joined; undefined when everything found was judged. */
  get inconclusive(): string | undefined {
    return this.open.length > 0 ? this.open.join('; ') : undefined;
  }

  get verdict(): Verdict {
    return worstVerdict(this.verdicts);
  }

  get problems(): readonly string[] {
    return this.found;
  }

  get message(): string {
    return this.found.join('; ');
  }
}

/**
 * Each measurement that came back with an error body is an `error` verdict ("could not read
 * <what>"). Returns the errors by name, for the evidence.
 */
export function recordMeasurementErrors(
  findings: Findings,
  measurements: readonly (readonly [what: string, measurement: Measurement<unknown>])[],
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [what, measurement] of measurements) {
    const error = measurementError(measurement);
    if (error === undefined) continue;
    findings.add('error', `could not read ${what}: ${error}`);
    errors[what] = error;
  }
  return errors;
}

/**
 * The distinct task ids of the deployment under check (ids or ARNs accepted). No task yet is
 * `pending`: a check never passes on nothing to check.
 */
export function expectedTasks(
  findings: Findings,
  taskIdsOrArns: readonly string[],
  deployment: 'new' | 'baseline',
): string[] {
  const expected = [...new Set(taskIdsOrArns.map(taskIdOf))];
  if (expected.length === 0)
    findings.add('pending', `no running task of the ${deployment} deployment to check yet`);
  return expected;
}

/** The expected tasks as evidence shows them: the first few ids and how many there are. */
export function expectedTasksEvidence(expected: readonly string[]): {
  expectedTaskIds: string[];
  expectedTaskCount: number;
} {
  return { expectedTaskIds: capList(expected).items, expectedTaskCount: expected.length };
}
