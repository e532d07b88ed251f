import type { WorkItem } from '../../../../core/execution';
import { selectRollbackTargets } from '../../../../core/orchestration';

const item = (name: string): WorkItem => ({
  name,
  phase: 'core',
  ecsService: `svc-${name}`,
  taskDefinitionArn: `td/${name}:1`,
  baselineArn: `td/${name}:1`,
  seriesBaseline: 10,
});
const work = ['worker', 'history', 'matching'].map(item);
const done = work.map((w) => ({ name: w.name, outcome: 'migrated' as const }));
const names = (items: WorkItem[]) => items.map((w) => w.name);

describe('selectRollbackTargets after a check past the last service (Grafana dashboards)', () => {
  it('scope all: every service of the run, newest first, none excluded (no child rolled one back)', () => {
    expect(names(selectRollbackTargets({ scope: 'all', work, done, failingAfterRun: ['history'] }))).toEqual([
      'matching',
      'history',
      'worker',
    ]);
  });

  it('scope service: the services the check names', () => {
    expect(
      names(selectRollbackTargets({ scope: 'service', work, done, failingAfterRun: ['history', 'billing'] })),
    ).toEqual(['history']);
  });

  it('scope service, no service named (the check could not tell): every service of the run', () => {
    expect(names(selectRollbackTargets({ scope: 'service', work, done, failingAfterRun: [] }))).toEqual([
      'matching',
      'history',
      'worker',
    ]);
  });

  it('only services this run migrated', () => {
    const some = [
      { name: 'worker', outcome: 'migrated' as const },
      { name: 'history', outcome: 'skipped' as const },
    ];
    expect(names(selectRollbackTargets({ scope: 'all', work, done: some, failingAfterRun: [] }))).toEqual([
      'worker',
    ]);
  });
});
