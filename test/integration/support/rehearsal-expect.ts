import type { ServiceReport } from '../../../core/report/types';
import type { Rehearsal } from './rehearsal';

export function service(r: Rehearsal, name: string): ServiceReport {
  const s = r.report.services.find((x) => x.name === name);
  if (!s) throw new Error(`no ${name} in the report:\n${r.output}`);
  return s;
}

/** Every service back on ADOT + awslogs with its logs reaching CloudWatch, as observed in the sandbox. */
export function expectBackOnAdot(r: Rehearsal, name: string): void {
  expect(service(r, name)).toMatchObject({
    name,
    finalCollector: 'adot',
    finalLogDriver: 'awslogs',
    logsReceivedBy: 'cloudwatch',
  });
}

export function expectRolledBack(r: Rehearsal, failing: string, check: RegExp): void {
  expect({
    exitCode: r.exitCode,
    status: r.report.status,
    output: r.exitCode === 1 ? '' : r.output,
  }).toMatchObject({ exitCode: 1, status: 'ROLLED_BACK', output: '' });
  expect(r.report.cause?.service).toBe(failing);
  expect(`${r.report.cause?.check ?? ''} ${r.report.cause?.message ?? ''}`).toMatch(check);
  expect(r.report.lockReleased).toBe(true);
  expectBackOnAdot(r, 'worker');
  expectBackOnAdot(r, 'history');
  // The construct's notification topic got the outcome (ExecutionEnded, run by the EventBridge rule).
  expect(r.output).toContain('alloy-rollout temporal-dev: rolled back');
}
