import { UnrevertableError } from '../../../../core/errors';
import { migrate, revert, toRegisterInput, type TaskDefinitionInput } from '../../../../core/taskdef';
import { example, fixture, planService, planWith, service } from './helpers';

jest.mock('../../../../core/alloy', () => jest.requireActual('./helpers').fakeRenderer, { virtual: true });

const plan = planWith();
const baseline = example('history');
const svc = planService(plan, 'history');

function migrated(): TaskDefinitionInput {
  const result = migrate(baseline, svc, plan);
  if (result.kind !== 'migrated') throw new Error(result.reason);
  return result.taskDefinition;
}

function reasonOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnrevertableError);
    return (error as UnrevertableError).details.reason;
  }
  throw new Error('expected UnrevertableError');
}

describe('revert', () => {
  it('gives back the register input of the baseline, with a readable diff', () => {
    const back = revert(migrated(), baseline);
    expect(back.taskDefinition).toEqual(toRegisterInput(baseline));
    expect(back.diff).toContain('+ containerDefinitions[adot-collector].image:');
    expect(back.diff).toContain('- containerDefinitions[alloy].image: "grafana/alloy:v1.18.1"');
    expect(back.diff).toContain('- tags[alloy-rollout:baseline].value:');
  });

  it("keeps a later revision's app changes and restores only the observability parts", () => {
    const later = migrated();
    const main = later.containerDefinitions[0];
    if (!main) throw new Error('no main container');
    main.image = 'example/temporal:next';
    main.environment = [...(main.environment ?? []), { name: 'NEW_FLAG', value: 'on' }];
    later.containerDefinitions.push({ name: 'extra', image: 'example/extra:1', essential: false });
    const back = revert(later, baseline).taskDefinition;
    expect(back.containerDefinitions.map((c) => c.name)).toEqual([
      'temporal-history',
      'adot-collector',
      'extra',
    ]);
    const restoredMain = back.containerDefinitions[0];
    expect(restoredMain?.image).toBe('example/temporal:next');
    expect(restoredMain?.environment).toContainEqual({ name: 'NEW_FLAG', value: 'on' });
    expect(restoredMain?.logConfiguration?.logDriver).toBe('awslogs');
    expect(restoredMain?.logConfiguration).toEqual(
      toRegisterInput(baseline).containerDefinitions[0]?.logConfiguration,
    );
    expect(back.volumes).toEqual([]);
    expect(back.tags?.some((t) => t.key === 'alloy-rollout:baseline')).toBe(false);
    expect(revert(later, baseline).warnings.join('\n')).toContain('"extra" is not in the baseline');
  });

  it('restores dependsOn entries on the collector at their place, next to ones added later', () => {
    const original = {
      ...fixture('otel-testframework-ec2-fargate-compat.json'),
      requiresCompatibilities: ['EC2'],
    };
    const result = migrate(original, service(), planWith({ cpu: 10, memory: 200, initCpu: 0 }));
    if (result.kind !== 'migrated') throw new Error(result.reason);
    const later = result.taskDefinition;
    const emitter = later.containerDefinitions.find((c) => c.name === 'aoc-emitter');
    if (!emitter) throw new Error('no emitter');
    emitter.dependsOn = [{ containerName: 'mocked-server', condition: 'START' }];
    const back = revert(later, original).taskDefinition;
    expect(back.containerDefinitions.find((c) => c.name === 'aoc-emitter')?.dependsOn).toEqual([
      { containerName: 'aoc-collector', condition: 'START' },
      { containerName: 'mocked-server', condition: 'START' },
    ]);
  });

  it('keeps a resized task size that was changed again after the migration, with a warning', () => {
    const history = fixture('temporal-history.json');
    const result = migrate(
      history,
      service({ name: 'history' }),
      planWith({ allowResize: true, cpu: 128, memory: 256 }),
    );
    if (result.kind !== 'migrated') throw new Error(result.reason);
    const later = { ...result.taskDefinition, cpu: '8192' };
    const back = revert(later, history);
    expect(back.taskDefinition.cpu).toBe('8192');
    expect(back.taskDefinition.memory).toBe('8192');
    expect(back.warnings.join('\n')).toContain('task cpu is 8192');
  });

  it('returns the baseline unchanged when the current definition already is the baseline', () => {
    const back = revert(baseline, baseline);
    expect(back.taskDefinition).toEqual(toRegisterInput(baseline));
    expect(back.diff).toBe('');
  });

  it.each([
    ['not-migrated', () => revert({ ...toRegisterInput(baseline), cpu: '1' }, baseline)],
    ['family-mismatch', () => revert(migrated(), example('matching'))],
    ['baseline-migrated', () => revert(migrated(), migrated())],
    [
      'baseline-mismatch',
      () =>
        revert(migrated(), {
          ...toRegisterInput(baseline),
          containerDefinitions: toRegisterInput(baseline).containerDefinitions.slice(0, 1),
        }),
    ],
    [
      'name-clash',
      () => {
        const current = migrated();
        current.containerDefinitions.push({ name: 'adot-collector', image: 'example/other:1' });
        return revert(current, baseline);
      },
    ],
  ])('refuses with reason %s', (reason, run) => {
    expect(reasonOf(run)).toBe(reason);
  });
});
