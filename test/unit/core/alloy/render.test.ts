import { describeAlloyConfig, renderServiceAlloyConfig, validateAlloy } from '../../../../core/alloy';
import { ERROR_NAMES } from '../../../../core/errors';
import { basePlan, serviceOf } from './plans';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-credentials-AbCdEf';
const awsvpc = { mainContainers: ['temporal-history'], networkMode: 'awsvpc' as const };

describe('renderServiceAlloyConfig', () => {
  it('asks for no variables or secrets when Loki needs no credentials', () => {
    const plan = basePlan();
    const rendered = renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), awsvpc);
    expect(rendered.environment).toEqual([]);
    expect(rendered.secrets).toEqual([]);
    expect(rendered.config).not.toContain('basic_auth');
    expect(rendered.config).not.toContain('bearer_token');
  });

  it("reads basic auth from the secret's username and password keys by default", () => {
    const plan = basePlan({ loki: `  authSecretArn: ${SECRET}` });
    const rendered = renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), awsvpc);
    expect(rendered.secrets).toEqual([
      { name: 'LOKI_PASSWORD', valueFrom: `${SECRET}:password::` },
      { name: 'LOKI_USERNAME', valueFrom: `${SECRET}:username::` },
    ]);
    expect(rendered.config).toContain('username = sys.env("LOKI_USERNAME")');
    expect(rendered.config).toContain('password = sys.env("LOKI_PASSWORD")');
  });

  it("reads a bearer token from the secret's token key when authType is bearer", () => {
    const plan = basePlan({ loki: `  authSecretArn: ${SECRET}\n  authType: bearer` });
    const rendered = renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), awsvpc);
    expect(rendered.secrets).toEqual([{ name: 'LOKI_BEARER_TOKEN', valueFrom: `${SECRET}:token::` }]);
    expect(rendered.config).toContain('bearer_token        = sys.env("LOKI_BEARER_TOKEN")');
    expect(validateAlloy(rendered.config).errors).toEqual([]);
    expect(describeAlloyConfig(rendered.config).logs.auth).toBe('bearer');
  });

  it('never uses the deprecated env() or the misspelt retry attributes', () => {
    const plan = basePlan({ loki: `  authSecretArn: ${SECRET}` });
    const { config } = renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), awsvpc);
    expect(config).not.toMatch(/(^|[^.\w])env\(/m);
    expect(config).not.toMatch(/\bmin_backoff\b|\bmax_retries\b/);
    expect(config).toContain('sys.env("ECS_CONTAINER_METADATA_URI_V4")');
  });

  it('is deterministic and independent of the order main containers are given in', () => {
    const plan = basePlan();
    const service = serviceOf(plan, 'history');
    const a = renderServiceAlloyConfig(plan, service, {
      mainContainers: ['b-app', 'a-app'],
      networkMode: 'bridge',
    });
    const b = renderServiceAlloyConfig(plan, service, {
      mainContainers: ['a-app', 'b-app', 'a-app'],
      networkMode: 'bridge',
    });
    expect(a).toEqual(b);
    expect(describeAlloyConfig(a.config).logs.containers).toEqual(['a-app', 'b-app']);
  });

  it('escapes regex characters in container names and reads them back', () => {
    const plan = basePlan();
    const { config } = renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), {
      mainContainers: ['web_1', 'api-2'],
      networkMode: 'host',
    });
    expect(validateAlloy(config).errors).toEqual([]);
    expect(describeAlloyConfig(config).logs.containers).toEqual(['api-2', 'web_1']);
    expect(describeAlloyConfig(config).metrics.scrapeAddress).toBe('127.0.0.1:9090');
  });

  it("uses the plan's push URL default and the AMP remote write URL of the workspace", () => {
    const plan = basePlan();
    const noPush = { ...plan, loki: { ...plan.loki, pushUrl: undefined } } as unknown as typeof plan;
    const summary = describeAlloyConfig(
      renderServiceAlloyConfig(noPush, serviceOf(plan, 'history'), awsvpc).config,
    );
    expect(summary.logs.pushUrl).toBe('http://loki.temporal-dev.internal:3100/loki/api/v1/push');
    expect(summary.metrics.remoteWriteUrl).toMatch(
      /^https:\/\/aps-workspaces\.eu-west-1\.amazonaws\.com\/workspaces\/ws-[^/]+\/api\/v1\/remote_write$/,
    );
  });

  it('refuses a target with no main container, naming the service', () => {
    const plan = basePlan();
    expect(() =>
      renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), {
        mainContainers: [],
        networkMode: 'awsvpc',
      }),
    ).toThrow(
      expect.objectContaining({
        name: ERROR_NAMES.InputInvalid,
        message: expect.stringContaining('service "history"'),
      }),
    );
  });

  it('refuses a container name that is not a valid ECS container name', () => {
    const plan = basePlan();
    expect(() =>
      renderServiceAlloyConfig(plan, serviceOf(plan, 'history'), {
        mainContainers: ['bad name"'],
        networkMode: 'awsvpc',
      }),
    ).toThrow(/main container name "bad name\\"" is not a valid ECS container name/);
  });
});
