import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parsePlanOrThrow } from '../../../core/plan/parse';
import { configPrefix } from '../../../core/plan/resolve';
import { toRegisterInput, type DescribedTaskDefinition } from '../../../core/taskdef';
import { servicePermissionNeeds } from '../../../core/verify';
import { IamTwin } from '../../../sandbox/aws/iam';
import { parseFault } from '../../../sandbox/faults';
import { seedServiceRoles } from '../../../sandbox/seed-roles';

const ROOT = join(__dirname, '../../..');
const plan = parsePlanOrThrow(parse(readFileSync(join(ROOT, 'examples/plan.yaml'), 'utf8')));
const SERVICES = ['worker', 'history', 'matching', 'frontend', 'benchmark-worker'];
const described = (name: string) =>
  JSON.parse(
    readFileSync(join(ROOT, 'examples/task-definitions', `${name}.json`), 'utf8'),
  ) as DescribedTaskDefinition;

/** Every need of every example service, as the twin decides it. */
async function decisions(iam: IamTwin) {
  const needs = SERVICES.flatMap((s) => servicePermissionNeeds(plan, s, described(s).taskDefinition).needs);
  return Promise.all(
    needs.map(async (n) => {
      const [r] = await iam.simulate(n.roleArn, [n.action], [n.resource], n.context);
      return `${n.service} ${n.action} ${r?.resources[0]?.decision ?? 'none'}`;
    }),
  );
}

describe('seeded roles of the example task definitions', () => {
  let iam: IamTwin;
  beforeEach(() => {
    iam = new IamTwin();
    seedServiceRoles(
      iam,
      plan.region,
      SERVICES.map((s) => toRegisterInput(described(s))),
      { configPrefix: configPrefix(plan), ampWorkspaceId: plan.amp.workspaceId },
    );
  });

  it('grant everything a migration of the example plan needs', async () => {
    const all = await decisions(iam);
    expect(all).toHaveLength(SERVICES.length * 2);
    expect(all.filter((d) => !d.endsWith(' allowed'))).toEqual([]);
  });

  it('without aps:RemoteWrite on the shared task role, every service is denied it, nothing else', async () => {
    const taskRole = described('history').taskDefinition.taskRoleArn as string;
    expect(iam.removeAction(taskRole, 'aps:RemoteWrite')).toBe(1);
    const denied = (await decisions(iam)).filter((d) => !d.endsWith(' allowed'));
    expect(denied).toEqual(SERVICES.map((s) => `${s} aps:RemoteWrite implicitDeny`));
  });

  it('the fault that takes it away reads as a service fault', () => {
    expect(parseFault('history:no-remote-write-permission')).toEqual({
      kind: 'no-remote-write-permission',
      service: 'history',
    });
  });
});
