import {
  describeAlloyConfig,
  parseAlloy,
  renderServiceAlloyConfig,
  validateAlloy,
  type BlockStatement,
} from '../../../../core/alloy';
import { InputInvalidError } from '../../../../core/errors';
import type { Plan } from '../../../../core/plan/schema';
import { migrate, type AnyTaskDefinition } from '../../../../core/taskdef';
import { EXAMPLE_SERVICES, example, fixture, planService, planWith, service } from '../taskdef/helpers';
import { basePlan, serviceOf } from './plans';

const SOURCES = ['docker-api', 'file-tail'] as const;

/** The stage names of loki.process "logs", nested stage.match bodies as "match>stage". */
function stagesOf(config: string): string[] {
  const process = parseAlloy(config).body.find(
    (s): s is BlockStatement => s.kind === 'block' && s.name === 'loki.process',
  );
  const names = (body: readonly BlockStatement['body'][number][], prefix: string): string[] =>
    body.flatMap((s) =>
      s.kind !== 'block'
        ? []
        : s.name === 'stage.match'
          ? [`${prefix}stage.match`, ...names(s.body, 'match>')]
          : [`${prefix}${s.name}`],
    );
  return names(process?.body ?? [], '');
}

function rendered(td: AnyTaskDefinition, plan: Plan, svc = planService(plan, 'history')): string {
  const result = migrate(td, svc, plan);
  if (result.kind !== 'migrated') throw new Error(result.reason);
  return result.alloyConfig;
}

/** Every definition the migration takes: the examples with their plan, the migratable references. */
const CASES = SOURCES.flatMap((logSource) => {
  const plan = planWith({ logSource });
  return [
    ...EXAMPLE_SERVICES.map((name) => ({
      name: `examples/${name} (${logSource})`,
      config: () => rendered(example(name), plan, planService(plan, name)),
      logSource,
    })),
    ...['temporal-history.json', 'temporal-frontend.json'].map((file) => ({
      name: `${file} (${logSource})`,
      config: () => rendered(fixture(file), plan, service({ name: 'svc' })),
      logSource,
    })),
  ];
});

describe.each(CASES)('rendered log pipeline of $name', ({ config, logSource }) => {
  const text = config();

  it('validates with no errors and no warnings', () => {
    expect(validateAlloy(text)).toEqual({ errors: [], warnings: [] });
  });

  it('ships exactly service_name, cluster, container_name, task_id and level, the line unchanged', () => {
    const logs = describeAlloyConfig(text).logs;
    expect(logs.source).toBe(logSource);
    expect(Object.keys(logs.staticLabels).sort()).toEqual(['cluster', 'service_name']);
    expect(logs.mapped).toEqual({ containerName: true, taskId: true, level: true });
    expect(logs).toMatchObject({
      levelFallback: 'unknown',
      trimsTrailingNewline: true,
      dropsStreamLabel: true,
      dropsEmptyLines: true,
    });
    // No stage rewrites the line but the newline strip (and stage.multiline's joining).
    const rewriting = /stage\.(output|pack|cri|decolorize|luhn|truncate|eventlogmessage)$/;
    expect(stagesOf(text).filter((s) => rewriting.test(s))).toEqual([]);
    expect(stagesOf(text).filter((s) => s.endsWith('stage.replace'))).toHaveLength(
      logSource === 'file-tail' ? 1 : 0,
    );
  });
});

describe('log pipeline order', () => {
  const plan = basePlan();
  const history = serviceOf(plan, 'history');
  const target = {
    mainContainers: ['temporal-history', 'sidecar-app', 'worker'],
    networkMode: 'awsvpc' as const,
    multiline: {
      worker: { firstline: '^\\d{4}/', maxWaitTime: '5s' },
      'temporal-history': { firstline: '^\\{', maxWaitTime: '5s' },
    },
  };

  it('extracts the level before joining lines and labels it after (docker-api)', () => {
    const text = renderServiceAlloyConfig(plan, history, target).config;
    expect(stagesOf(text)).toEqual([
      'stage.json',
      'stage.template',
      'stage.match',
      'match>stage.multiline',
      'stage.match',
      'match>stage.multiline',
      'stage.labels',
      'stage.static_labels',
    ]);
    expect(text).toContain('selector = "{container_name=\\"temporal-history\\"}"');
    expect(describeAlloyConfig(text).logs.multiline).toEqual([
      { containers: ['temporal-history'], firstline: '^\\{', maxWaitTime: '5s' },
      { containers: ['worker'], firstline: '^\\d{4}/', maxWaitTime: '5s' },
    ]);
    expect(validateAlloy(text)).toEqual({ errors: [], warnings: [] });
  });

  it('normalises the json-file entry first (file-tail)', () => {
    const fileTail = basePlan({ alloy: '  logSource: file-tail' });
    const text = renderServiceAlloyConfig(fileTail, serviceOf(fileTail, 'history'), target).config;
    expect(stagesOf(text).slice(0, 6)).toEqual([
      'stage.docker',
      'stage.label_drop',
      'stage.replace',
      'stage.drop',
      'stage.json',
      'stage.template',
    ]);
    expect(text).toContain('expression = "(\\\\r?\\\\n)$"');
    expect(validateAlloy(text)).toEqual({ errors: [], warnings: [] });
  });

  it('refuses a multi-line setting for a container it does not collect', () => {
    expect(() =>
      renderServiceAlloyConfig(plan, history, {
        ...target,
        multiline: { ghost: { firstline: '^x', maxWaitTime: '5s' } },
      }),
    ).toThrow(InputInvalidError);
  });
});
