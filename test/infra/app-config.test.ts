import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONFIG_FILE, loadAppConfig, readAppEnvironment } from '../../infra/app-config';
import { REPO_ROOT } from './support';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-config-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (content: unknown) => {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('loadAppConfig', () => {
  it('loads the example and resolves the plan next to it', () => {
    const loaded = loadAppConfig(DEFAULT_CONFIG_FILE);
    expect(loaded.planPath).toBe(path.join(REPO_ROOT, 'examples', 'plan.yaml'));
    expect(loaded.config).toMatchObject({
      stackName: 'AlloyRollout-temporal-dev',
      network: { vpcId: 'vpc-0123456789abcdef0' },
    });
  });

  it('names every bad field', () => {
    const file = write({
      planFile: 'plan.yaml',
      network: { vpcId: 'vpc-1', subnetIds: [], securityGroupIds: ['sg-0123456789abcdef0'] },
      extra: 1,
    });
    expect(() => loadAppConfig(file)).toThrow(
      /3 problems\n {2}- network\.vpcId: expected a VPC id such as "vpc-0123456789abcdef0"\n {2}- network\.subnetIds: expected at least one private subnet id\n {2}- \(document\): Unrecognized key: "extra"/,
    );
  });

  it('takes notifications: true, and refuses anything but a boolean', () => {
    const example = JSON.parse(fs.readFileSync(DEFAULT_CONFIG_FILE, 'utf8')) as Record<string, unknown>;
    const base = { ...example, planFile: path.join(REPO_ROOT, 'examples', 'plan.yaml') };
    expect(loadAppConfig(write({ ...base, notifications: true })).config.notifications).toBe(true);
    expect(() => loadAppConfig(write({ ...base, notifications: 'slack' }))).toThrow(
      /notifications: expected true \(create a notification topic\) or false/,
    );
  });

  it('refuses a missing or unparsable file', () => {
    expect(() => loadAppConfig(path.join(dir, 'none.json'))).toThrow(
      /cannot be read; expected the infra config/,
    );
    expect(() => loadAppConfig(write('{ "planFile": '))).toThrow(/not valid JSON\/YAML/);
  });
});

describe('readAppEnvironment', () => {
  it('takes the config from context first, then ALLOY_ROLLOUT_INFRA_CONFIG, then the example', () => {
    expect(readAppEnvironment('a.json', { ALLOY_ROLLOUT_INFRA_CONFIG: 'b.json' }).configFile).toBe(
      path.resolve('a.json'),
    );
    expect(readAppEnvironment(undefined, { ALLOY_ROLLOUT_INFRA_CONFIG: 'b.json' }).configFile).toBe(
      path.resolve('b.json'),
    );
    expect(readAppEnvironment(undefined, { CDK_DEFAULT_ACCOUNT: '123456789012' })).toEqual({
      configFile: DEFAULT_CONFIG_FILE,
      defaultAccount: '123456789012',
    });
  });
});
