import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAMBDAS, type LambdaId } from '../../lambdas/catalog';
import { decide, grantedActions, type Decision } from './iam/evaluate';
import { iamRequestsOf, type IamRequest } from './iam/iam-requests';
import { SDK_CLIENTS } from './iam/recorder';
import { synthesiseLambdaRoles, type LambdaRole } from './iam/role-policies';
import {
  LOCK_TABLE_NAME,
  recordScenarios,
  scenarioPlan,
  WORLD,
  type ScenarioRecording,
} from './iam/scenarios';
import { REPO_ROOT } from './support';
import { STATE_MACHINE_ARN } from '../statemachine/support/runner';
import { stringify } from 'yaml';

/**
 * The orchestrator's own IAM, proven: every AWS call each Lambda makes in the scenarios (the state
 * machine run with the real handlers against the tests' world) is evaluated by a real policy engine
 * (@cloud-copilot/iam-simulate) against the policies the CDK app synthesises for that Lambda's role,
 * and every action those policies grant must be called by some Lambda that holds it.
 */

jest.setTimeout(120_000);

const VPC_ENI =
  "Lambda attaches a VPC function (Loki, Verify: they reach Loki) to its subnets with the function's own role; the handlers never call EC2.";
const OWN_LOGS =
  "The Lambda service writes the function's own log group with the function's role; the handlers never call it.";
const OWN_TRACES =
  "Active tracing: Lambda's X-Ray daemon sends the function's trace segments with the function's role; the handlers' Tracer hands segments to the daemon over UDP and calls no X-Ray API.";

/**
 * Actions granted that no handler calls, each with why it stays. Anything else granted and never
 * called fails the proof: remove the grant, or add it here with the path that needs it.
 */
const GRANTED_NOT_CALLED: Readonly<Record<string, string>> = {
  'logs:CreateLogStream': OWN_LOGS,
  'logs:PutLogEvents': OWN_LOGS,
  'xray:PutTraceSegments': OWN_TRACES,
  'xray:PutTelemetryRecords': OWN_TRACES,
  'ec2:CreateNetworkInterface': VPC_ENI,
  'ec2:DescribeNetworkInterfaces': VPC_ENI,
  // ec2:DescribeSubnets is in the VPC Lambdas' network-interface grant too, but it is called: the
  // Loki step reads Loki's subnets for the S3 gateway-endpoint check.
  'ec2:DeleteNetworkInterface': VPC_ENI,
  'ec2:AssignPrivateIpAddresses': VPC_ENI,
  'ec2:UnassignPrivateIpAddresses': VPC_ENI,
};

/**
 * The shared network-interface grant every in-VPC Lambda holds for the Lambda service's own ENI
 * management (AWSLambdaVPCAccessExecutionRole's actions), whether or not its handler calls any of them.
 */
const VPC_ENI_GRANT = new Set([
  ...Object.keys(GRANTED_NOT_CALLED).filter((a) => a.startsWith('ec2:')),
  'ec2:DescribeSubnets',
]);

let roles: Map<LambdaId, LambdaRole>;
let recording: ScenarioRecording;
/** Every distinct IAM request, by the Lambda that needed it. */
let requests: Map<LambdaId, Map<string, IamRequest>>;
let decisions: { lambda: LambdaId; decision: Decision }[];

beforeAll(async () => {
  roles = synthesiseLambdaRoles({
    configFile: path.join(REPO_ROOT, 'infra', 'config.example.json'),
    planText: stringify(scenarioPlan()),
    deployment: WORLD,
    lockTableName: LOCK_TABLE_NAME,
    stateMachineName: STATE_MACHINE_ARN.split(':').pop() ?? '',
  });
  recording = await recordScenarios();
  requests = new Map(LAMBDAS.map((l) => [l.id, new Map()]));
  for (const call of recording.calls)
    for (const request of iamRequestsOf(call, WORLD.account))
      requests.get(call.lambda)?.set(JSON.stringify(request), request);
  decisions = [];
  for (const [lambda, byKey] of requests) {
    const role = roles.get(lambda);
    if (!role) throw new Error(`no role synthesised for ${lambda}`);
    for (const request of byKey.values()) decisions.push({ lambda, decision: await decide(role, request) });
  }
});

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
const calledBy = (lambdas: readonly LambdaId[], granted: string) =>
  lambdas.some((l) => [...(requests.get(l)?.values() ?? [])].some((r) => glob(granted).test(r.action)));

describe("the Lambdas' IAM, against the calls they make", () => {
  it('runs scenarios that take the paths they are for and invoke every catalog Lambda', () => {
    expect(recording.offPath).toEqual([]);
    expect([...recording.invoked].sort()).toEqual(LAMBDAS.map((l) => l.id).sort());
    expect(recording.calls.length).toBeGreaterThan(0);
  });

  it('allows every call a Lambda makes by the policies synthesised for its role', () => {
    const refused = decisions
      .filter(({ decision }) => decision.result !== 'Allowed')
      .map(
        ({ lambda, decision: { request, result } }) =>
          `${lambda}: ${request.action} on ${request.resource}${Object.keys(request.context).length ? ` ${JSON.stringify(request.context)}` : ''}: ${result}`,
      );
    expect(refused).toEqual([]);
    expect(decisions.length).toBeGreaterThan(0);
  });

  it('denies what the policies do not grant (the engine is no rubber stamp)', async () => {
    const deployment = roles.get('Deployment');
    if (!deployment) throw new Error('no Deployment role');
    const service = (cluster: string) =>
      `arn:aws:ecs:${WORLD.region}:${WORLD.account}:service/${cluster}/temporal-dev-temporal-worker`;
    const probes: IamRequest[] = [
      // Deployment only reads: it may not update the service it watches.
      { action: 'ecs:UpdateService', resource: service('temporal-dev'), context: {} },
      // The plan's service, but in another cluster.
      { action: 'ecs:DescribeServices', resource: service('other'), context: {} },
      // Tasks listed in another cluster (the ecs:cluster condition).
      {
        action: 'ecs:ListTasks',
        resource: `arn:aws:ecs:${WORLD.region}:${WORLD.account}:container-instance/other/*`,
        context: { 'ecs:cluster': `arn:aws:ecs:${WORLD.region}:${WORLD.account}:cluster/other` },
      },
    ];
    for (const probe of probes) expect((await decide(deployment, probe)).result).toBe('ImplicitlyDenied');
  });

  it('grants no action that no Lambda holding it calls, beyond the recorded exceptions', () => {
    const holders = new Map<string, LambdaId[]>();
    for (const role of roles.values())
      for (const p of role.policies) holders.set(p.id, [...(holders.get(p.id) ?? []), role.lambda]);
    const uncalled = new Set<string>();
    for (const role of roles.values())
      for (const { policy, action } of grantedActions(role))
        if (!calledBy(holders.get(policy) ?? [], action) && !(action in GRANTED_NOT_CALLED))
          uncalled.add(`${action} (${policy})`);
    expect([...uncalled].sort()).toEqual([]);
  });

  it('attaches to each role only policies that Lambda uses', () => {
    const unused = [...roles.values()].flatMap((role) =>
      role.policies
        .filter((p) => {
          const actions = grantedActions({ ...role, policies: [p] }).map((g) => g.action);
          const excepted = actions.every((a) => a in GRANTED_NOT_CALLED || VPC_ENI_GRANT.has(a));
          return !excepted && !actions.some((a) => calledBy([role.lambda], a));
        })
        .map((p) => `${role.lambda}: ${p.id}`),
    );
    expect(unused).toEqual([]);
  });

  it('keeps the exceptions to actions that are granted and never called', () => {
    const granted = new Set([...roles.values()].flatMap((r) => grantedActions(r).map((g) => g.action)));
    const lambdas = LAMBDAS.map((l) => l.id);
    for (const action of Object.keys(GRANTED_NOT_CALLED))
      expect({ action, granted: granted.has(action), called: calledBy(lambdas, action) }).toEqual({
        action,
        granted: true,
        called: false,
      });
  });

  it('records every AWS SDK client the Lambdas import', () => {
    const imported = new Set<string>();
    const visit = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(file);
        else if (file.endsWith('.ts'))
          for (const m of fs.readFileSync(file, 'utf8').matchAll(/from '(@aws-sdk\/client-[a-z0-9-]+)'/g))
            imported.add(m[1] as string);
      }
    };
    visit(path.join(REPO_ROOT, 'lambdas'));
    expect([...imported].filter((pkg) => !(pkg in SDK_CLIENTS))).toEqual([]);
  });
});
