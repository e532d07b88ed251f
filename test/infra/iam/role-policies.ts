import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadAppConfig } from '../../../infra/app-config';
import { buildApp } from '../../../infra/build-app';
import { LAMBDAS, type LambdaId } from '../../../lambdas/catalog';
import { REPO_ROOT, stubHandlersForSynth, tempOutdir } from '../support';
import { resolveIntrinsics, type CfnTemplate, type Deployment } from './cfn-resolve';

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: PolicyStatement[];
}

/** One policy attached to a Lambda's role, its intrinsics resolved. */
export interface RolePolicy {
  /** Logical id of the AWS::IAM::ManagedPolicy or AWS::IAM::Policy resource. */
  readonly id: string;
  /** Managed policies are written once per category and attached to every role that lists it. */
  readonly kind: 'managed' | 'inline';
  readonly document: PolicyDocument;
}

export interface LambdaRole {
  readonly lambda: LambdaId;
  readonly roleArn: string;
  readonly policies: readonly RolePolicy[];
}

export interface SynthesisOptions {
  /** The app config (network, roles to pass, Loki, GitHub) the stack is built from. */
  readonly configFile: string;
  /** The plan the stack is scoped to, in place of the config's own plan file. */
  readonly planText: string;
  readonly deployment: Omit<Deployment, 'physicalNames'>;
  /** What the Lambdas are told the lock table is called (LOCK_TABLE_NAME). */
  readonly lockTableName: string;
  /**
   * The state machine the scenarios run on: the Lambdas describe its executions (the lock's
   * holder, a child's parent), so the policies must name the same one.
   */
  readonly stateMachineName: string;
}

type Resources = CfnTemplate['Resources'];
const refTo = (value: unknown): string | undefined => (value as { Ref?: string } | null)?.Ref;

/** The managed and inline policies CloudFormation would attach to one role. */
function policiesOf(
  resources: Resources,
  roleId: string,
): { id: string; kind: RolePolicy['kind']; document: unknown }[] {
  const role = resources[roleId]?.Properties ?? {};
  const managed = ((role.ManagedPolicyArns as unknown[] | undefined) ?? []).map((arn) => {
    const id = refTo(arn);
    // An AWS managed policy (an ARN string) has no document in the template to evaluate.
    if (!id || resources[id]?.Type !== 'AWS::IAM::ManagedPolicy')
      throw new Error(`role ${roleId} attaches ${JSON.stringify(arn)}, which is no policy of this template`);
    return { id, kind: 'managed' as const, document: resources[id]?.Properties?.PolicyDocument };
  });
  const inlineOnRole = (
    (role.Policies as { PolicyName: string; PolicyDocument: unknown }[] | undefined) ?? []
  ).map((p) => ({ id: `${roleId}/${p.PolicyName}`, kind: 'inline' as const, document: p.PolicyDocument }));
  const inline = Object.entries(resources)
    .filter(
      ([, r]) =>
        r.Type === 'AWS::IAM::Policy' &&
        ((r.Properties?.Roles as unknown[] | undefined) ?? []).some((x) => refTo(x) === roleId),
    )
    .map(([id, r]) => ({ id, kind: 'inline' as const, document: r.Properties?.PolicyDocument }));
  return [...managed, ...inlineOnRole, ...inline];
}

/**
 * Synthesises the app offline, as `npm run synth` does (stub handlers: the policies do not depend
 * on the handlers' code), and returns each catalog Lambda's role with its policies resolved for a
 * deployment into `options.deployment`.
 */
export function synthesiseLambdaRoles(options: SynthesisOptions): Map<LambdaId, LambdaRole> {
  const handlers = stubHandlersForSynth();
  const out = tempOutdir();
  const planDir = fs.mkdtempSync(path.join(REPO_ROOT, 'tmp', 'iam-plan-'));
  try {
    const planPath = path.join(planDir, 'plan.yaml');
    fs.writeFileSync(planPath, options.planText);
    const loaded = { ...loadAppConfig(options.configFile), planPath };
    const { app, stack } = buildApp(loaded, {
      outdir: out.dir,
      orchestrator: { handlersDir: handlers.dir, stateMachineName: options.stateMachineName },
    });
    const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
    const resources = template.Resources;

    const functions = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    const roles = new Map<LambdaId, LambdaRole>();
    const physicalNames: Record<string, string> = {};
    const found = LAMBDAS.map((spec) => {
      const fn = functions.find(([, r]) => r.Properties?.Description === spec.description);
      if (!fn) throw new Error(`no function for the catalog's ${spec.id} in the template`);
      const props = fn[1].Properties ?? {};
      const env = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      // The table the Lambdas are told about is the one CloudFormation names; the tests name it so.
      const table = refTo(env.LOCK_TABLE_NAME);
      if (table) physicalNames[table] = options.lockTableName;
      const roleId = (props.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
      if (!roleId) throw new Error(`the ${spec.id} function names no role of this template`);
      return { spec, roleId };
    });
    const deployment: Deployment = { ...options.deployment, physicalNames };
    for (const { spec, roleId } of found) {
      const policies = policiesOf(resources, roleId).map((p) => ({
        ...p,
        document: resolveIntrinsics(p.document, template, deployment) as PolicyDocument,
      }));
      const roleArn = resolveIntrinsics({ 'Fn::GetAtt': [roleId, 'Arn'] }, template, deployment) as string;
      roles.set(spec.id, { lambda: spec.id, roleArn, policies });
    }
    return roles;
  } finally {
    fs.rmSync(planDir, { recursive: true, force: true });
    out.cleanup();
    handlers.cleanup();
  }
}
