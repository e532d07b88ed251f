import { validateAlloy } from '../../../../core/alloy';
import { migrate, revert, toRegisterInput } from '../../../../core/taskdef';
import { EXAMPLE_SERVICES, example, planService, planWith } from './helpers';

// The same migrations as fixtures.test.ts, with core/alloy's real renderer instead of the stand-in.
describe('migrate with the real Alloy renderer', () => {
  const plan = planWith(
    {},
    {
      loki: {
        url: 'http://loki:3100',
        authSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-AbCdEf',
      },
    },
  );

  it.each(EXAMPLE_SERVICES)('%s: a valid config, its secrets on the sidecar, and a clean revert', (name) => {
    const described = example(name);
    const result = migrate(described, planService(plan, name), plan);
    if (result.kind !== 'migrated') throw new Error(result.reason);
    expect(validateAlloy(result.alloyConfig).errors).toEqual([]);
    const alloy = result.taskDefinition.containerDefinitions.find((c) => c.name === 'alloy');
    expect(alloy?.secrets?.length ?? 0).toBeGreaterThan(0);
    expect(alloy?.secrets?.every((s) => s.valueFrom.startsWith('arn:aws:secretsmanager:'))).toBe(true);
    expect(revert(result.taskDefinition, described).taskDefinition).toEqual(toRegisterInput(described));
  });
});
