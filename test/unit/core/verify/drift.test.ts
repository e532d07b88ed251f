import { BASELINE_TAG, migrate, type DescribedTaskDefinition } from '../../../../core/taskdef';
import {
  assessDrift,
  assessNoTaskDefinition,
  registeredByAlloyRollout,
  revisionLabel,
} from '../../../../core/verify/drift';
import { example, planService, planWith } from '../taskdef/helpers';

jest.mock('../../../../core/alloy', () => jest.requireActual('../taskdef/helpers').fakeRenderer, {
  virtual: true,
});

const FAMILY_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-temporal-history';

/** The example's ADOT + awslogs history definition, as ECS describes revision 7. */
function baseline(): DescribedTaskDefinition {
  return example('history') as DescribedTaskDefinition;
}

/** What Register would have registered (revision `revision`), as DescribeTaskDefinition (include TAGS) shows it. */
function migrated(revision: number): DescribedTaskDefinition {
  const plan = planWith();
  const result = migrate(baseline(), planService(plan, 'history'), plan);
  if (result.kind !== 'migrated') throw new Error('expected a migration');
  const { tags, ...body } = result.taskDefinition;
  return {
    taskDefinition: { ...body, taskDefinitionArn: `${FAMILY_ARN}:${revision}`, revision },
    tags: tags ?? [],
  };
}

describe('assessDrift', () => {
  it('passes the revision alloy-rollout registered, naming it and its baseline', () => {
    const result = assessDrift({ service: 'history', taskDefinition: migrated(8) });
    expect(result.verdict).toBe('passed');
    expect(result.message).toBe(`history runs :8, alloy-rollout's Alloy revision (baseline ${FAMILY_ARN}:7)`);
    expect(result.evidence).toMatchObject({
      query: expect.stringContaining(`${FAMILY_ARN}:8`),
      values: { registeredByAlloyRollout: true, adotContainers: [] },
      threshold: expect.stringContaining(BASELINE_TAG),
    });
  });

  it('fails a revision with ADOT back and no alloy-rollout marks, as terraform apply registers it', () => {
    const reverted = baseline();
    reverted.taskDefinition = {
      ...reverted.taskDefinition,
      taskDefinitionArn: `${FAMILY_ARN}:14`,
      revision: 14,
    };
    const result = assessDrift({ service: 'history', taskDefinition: reverted });
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      'history runs ADOT again: task definition :14 registered by something other than alloy-rollout',
    );
    expect(result.evidence.values).toMatchObject({ drift: 'adot', registeredByAlloyRollout: false });
  });

  it('fails the Alloy containers on a revision registered outside alloy-rollout (no baseline tag)', () => {
    const copy = migrated(15);
    copy.tags = [];
    const result = assessDrift({ service: 'history', taskDefinition: copy });
    expect(result.verdict).toBe('failed');
    expect(result.message).toBe(
      `history runs :15, not registered by alloy-rollout (no ${BASELINE_TAG} tag): changed outside alloy-rollout`,
    );
  });

  it('fails a sidecar left without its init container, and a definition with no collector at all', () => {
    const noInit = migrated(9);
    noInit.taskDefinition.containerDefinitions = noInit.taskDefinition.containerDefinitions.filter(
      (c) => c.name !== 'alloy-init',
    );
    expect(assessDrift({ service: 'history', taskDefinition: noInit })).toMatchObject({
      verdict: 'failed',
      message: expect.stringMatching(
        /^history runs the Alloy sidecar without its init container .* :9 registered by alloy-rollout$/,
      ),
    });
    const bare = migrated(10);
    bare.taskDefinition.containerDefinitions = bare.taskDefinition.containerDefinitions.filter(
      (c) => !c.name.startsWith('alloy'),
    );
    expect(assessDrift({ service: 'history', taskDefinition: bare })).toMatchObject({
      verdict: 'failed',
      message: expect.stringMatching(/^history runs no Alloy sidecar and no ADOT: task definition :10/),
      evidence: { values: { drift: 'no-collector' } },
    });
  });

  it("counts a revision as alloy-rollout's only with both its tag and the sidecar label", () => {
    const ours = migrated(8);
    expect(registeredByAlloyRollout(ours)).toBe(true);
    const unlabelled = migrated(8);
    for (const c of unlabelled.taskDefinition.containerDefinitions) delete c.dockerLabels;
    expect(registeredByAlloyRollout(unlabelled)).toBe(false);
    expect(registeredByAlloyRollout(baseline())).toBe(false);
  });

  it('fails a service that names no task definition, saying which ECS service', () => {
    expect(assessNoTaskDefinition('history', 'temporal-dev-temporal-history')).toMatchObject({
      name: 'drift',
      verdict: 'failed',
      message: 'history: ECS service temporal-dev-temporal-history names no task definition',
      evidence: {
        query: 'ecs:DescribeServices temporal-dev-temporal-history',
        values: { taskDefinition: null },
      },
    });
  });

  it('shows the revision as ":N", or the whole name when there is none', () => {
    expect(revisionLabel(`${FAMILY_ARN}:14`)).toBe(':14');
    expect(revisionLabel('temporal-dev-temporal-history')).toBe('temporal-dev-temporal-history');
  });
});
