import {
  renderServiceAlloyConfig,
  parseAlloy,
  type AlloyTarget,
  type Statement,
} from '../../../../core/alloy';
import { COMPONENTS, type BlockSpec } from '../../../../core/alloy/schema';
import { basePlan, serviceOf } from './plans';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-credentials-AbCdEf';

/** Every "component > block > attribute" name in a body that the table does not describe. */
function unknownNames(body: readonly Statement[], spec: BlockSpec, path: string): string[] {
  return body.flatMap((statement) => {
    const here = `${path} > ${statement.name}`;
    if (statement.kind === 'attribute') return spec.attributes[statement.name] ? [] : [here];
    const nested = spec.blocks?.[statement.name];
    return nested ? unknownNames(statement.body, nested, here) : [here];
  });
}

describe('names the renderer can emit', () => {
  const plans = [
    basePlan(),
    basePlan({ alloy: '  logSource: file-tail' }),
    basePlan({ loki: `  tenant: t1\n  authSecretArn: ${SECRET}` }),
    basePlan({ loki: `  authSecretArn: ${SECRET}\n  authType: bearer` }),
    basePlan({ service: '        metricsPort: 9464\n        metricsPath: /m' }),
  ];
  const targets: AlloyTarget[] = (['awsvpc', 'bridge', 'host'] as const).map((networkMode) => ({
    mainContainers: ['app', 'worker'],
    networkMode,
  }));
  const configs = plans.flatMap((plan) =>
    targets.map((target) => renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), target).config),
  );

  it('covers every combination of log source, auth and network mode', () => {
    expect(new Set(configs).size).toBe(configs.length);
  });

  it.each(configs.map((config, i) => [i, config] as const))(
    'config %i uses only components, blocks and attributes in the table',
    (_i, config) => {
      const unknown = parseAlloy(config).body.flatMap((statement) => {
        const spec = COMPONENTS[statement.name];
        if (!spec || statement.kind !== 'block') return [statement.name];
        return unknownNames(statement.body, spec, statement.name);
      });
      expect(unknown).toEqual([]);
    },
  );

  it('every table entry cites the reference page it comes from', () => {
    for (const [name, spec] of Object.entries(COMPONENTS)) {
      expect(spec.doc).toMatch(/^https:\/\/grafana\.com\/docs\/alloy\/latest\/reference\//);
      expect(spec.doc).toContain(name.split('.').pop());
    }
  });
});
