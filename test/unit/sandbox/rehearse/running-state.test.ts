import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlanTextOrThrow } from '../../../../core/plan/parse-text';
import { findService } from '../../../../core/plan/resolve';
import { migrate } from '../../../../core/taskdef';
import type { TaskDefinition } from '../../../../sandbox/ecs/model';
import { logsReceivedBy, runningStateOf } from '../../../../sandbox/rehearse/running-state';

const EXAMPLES = join(__dirname, '../../../../examples');

/** The worker's baseline (ADOT + awslogs) and its migrated revision (Alloy + json-file), as the sandbox stores them. */
function workerRevisions(): { adot: TaskDefinition; alloy: TaskDefinition } {
  const plan = parsePlanTextOrThrow(readFileSync(join(EXAMPLES, 'plan.yaml'), 'utf8'));
  const described = JSON.parse(readFileSync(join(EXAMPLES, 'task-definitions/worker.json'), 'utf8')) as {
    taskDefinition: TaskDefinition;
  };
  const result = migrate(described as never, findService(plan, 'worker')!, plan, {});
  if (result.kind !== 'migrated') throw new Error('the example worker did not migrate');
  const adot = described.taskDefinition;
  const alloy = { ...result.taskDefinition, taskDefinitionArn: `${adot.taskDefinitionArn}-alloy` } as never;
  return { adot, alloy };
}

describe('runningStateOf: what the running tasks are, not what the service names', () => {
  const { adot, alloy } = workerRevisions();

  it('all tasks on one revision: its collector and log driver', () => {
    expect(runningStateOf([adot, adot])).toEqual({ finalCollector: 'adot', finalLogDriver: 'awslogs' });
    expect(runningStateOf([alloy, alloy])).toEqual({ finalCollector: 'alloy', finalLogDriver: 'json-file' });
  });

  it('tasks of both revisions (a rollback half way): mixed, never adot', () => {
    expect(runningStateOf([alloy, adot])).toEqual({ finalCollector: 'mixed', finalLogDriver: 'mixed' });
  });

  it('no running task: nothing is claimed', () => {
    expect(runningStateOf([])).toEqual({});
  });
});

describe('logsReceivedBy', () => {
  it('names each store that received lines from the running tasks', () => {
    expect(logsReceivedBy({ loki: 3, cloudwatch: 0 })).toBe('loki');
    expect(logsReceivedBy({ loki: 0, cloudwatch: 3 })).toBe('cloudwatch');
    expect(logsReceivedBy({ loki: 1, cloudwatch: 1 })).toBe('both');
    expect(logsReceivedBy({ loki: 0, cloudwatch: 0 })).toBe('none');
  });
});
