import { validatePlan } from '../../../../core/plan/parse';
import { minimalPlan } from './minimal-plan';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:grafana-token-AbCdEf';

describe('plan: grafana section', () => {
  it('is optional, and given takes defaults for the dashboards window and the deadline', () => {
    const without = validatePlan(minimalPlan());
    expect(without.ok && without.plan.grafana).toBeUndefined();
    const result = validatePlan({
      ...minimalPlan(),
      grafana: {
        url: 'https://grafana.example.com/sub',
        datasourceUid: 'loki-prod',
        tokenSecretArn: ARN,
        dashboards: [{ uid: 'temporal-services' }, { uid: 'x', window: '30m' }],
      },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.plan.grafana).toEqual({
      url: 'https://grafana.example.com/sub',
      datasourceUid: 'loki-prod',
      tokenSecretArn: ARN,
      dashboards: [
        { uid: 'temporal-services', window: 15 * 60_000 },
        { uid: 'x', window: 30 * 60_000 },
      ],
      deadline: 5 * 60_000,
    });
  });

  it('names each bad field and what was expected', () => {
    const result = validatePlan({
      ...minimalPlan(),
      grafana: {
        url: 'grafana.example.com',
        datasourceUid: 'has space',
        tokenSecretArn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/x',
        dashboards: [{ uid: 'd', window: 'soon' }],
        extra: true,
      },
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/grafana\.url: expected an http\(s\) URL/),
        expect.stringMatching(/grafana\.datasourceUid: expected a Loki datasource UID/),
        expect.stringMatching(/grafana\.tokenSecretArn: expected an ARN of secretsmanager/),
        expect.stringMatching(/grafana\.dashboards\[0\]\.window: expected a duration/),
      ]),
    );
    expect(problems.some((p) => p.includes('extra'))).toBe(true);
  });
});
