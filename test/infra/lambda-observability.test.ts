import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parsePlanTextOrThrow } from '../../core/plan/parse-text';
import { LAMBDAS } from '../../lambdas/catalog';
import { AlloyRolloutOrchestrator } from '../../infra/orchestrator';
import { resolveOrchestratorProps, type AlloyRolloutOrchestratorProps } from '../../infra/orchestrator-props';
import { REPO_ROOT, stubHandlersForSynth, type HandlersDir } from './support';

/**
 * The orchestrator's own logs and traces: every function traces with X-Ray (Tracing.ACTIVE) and
 * gets the Powertools service name and log level; the level comes from the `logLevel` prop,
 * checked against Powertools' levels; the findings tracing adds are acknowledged, so cdk-nag stays clean.
 */

jest.setTimeout(120_000);

const plan = parsePlanTextOrThrow(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'plan.yaml'), 'utf8'));
let handlers: HandlersDir;
beforeAll(() => {
  handlers = stubHandlersForSynth();
});
afterAll(() => handlers.cleanup());

function orchestrator(extra: Partial<AlloyRolloutOrchestratorProps> = {}) {
  // No bundling: these tests read the functions' settings, not their code.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a'],
    privateSubnetIds: ['subnet-0123456789abcdef0'],
  });
  const props: AlloyRolloutOrchestratorProps = {
    plan,
    network: {
      vpc,
      securityGroups: [SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0')],
    },
    taskRoleArns: ['arn:aws:iam::123456789012:role/temporal-dev-task'],
    handlersDir: handlers.dir,
    ...extra,
  };
  new AlloyRolloutOrchestrator(stack, 'Rollout', props);
  return { app, template: Template.fromStack(stack), props };
}

function catalogFunctions(template: Template) {
  const descriptions = new Set<string>(LAMBDAS.map((l) => l.description));
  return Object.values(
    template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: Record<string, unknown> }
    >,
  ).filter((r) => descriptions.has(String(r.Properties['Description'])));
}

describe('Lambda logs and traces', () => {
  it('traces every catalog function with X-Ray and sets the Powertools service name and level (INFO by default)', () => {
    const { template, app } = orchestrator();
    const functions = catalogFunctions(template);
    expect(functions).toHaveLength(LAMBDAS.length);
    for (const fn of functions) {
      expect(fn.Properties['TracingConfig']).toEqual({ Mode: 'Active' });
      expect((fn.Properties['Environment'] as { Variables: Record<string, string> }).Variables).toMatchObject(
        {
          POWERTOOLS_SERVICE_NAME: 'alloy-rollout',
          POWERTOOLS_LOG_LEVEL: 'INFO',
        },
      );
      // Lambda's own log group of the function, with a retention (not the never-expiring default).
      expect(fn.Properties['LoggingConfig']).toMatchObject({ LogGroup: expect.anything() });
    }
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup')))
      expect(
        (group as { Properties: Record<string, unknown> }).Properties['RetentionInDays'],
      ).toBeGreaterThan(0);
    // The X-Ray actions tracing adds (no resource-level permissions) are acknowledged with a reason.
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it('takes the level from the logLevel prop, in any case', () => {
    const { template } = orchestrator({ logLevel: 'debug' });
    for (const fn of catalogFunctions(template))
      expect(
        (fn.Properties['Environment'] as { Variables: Record<string, string> }).Variables[
          'POWERTOOLS_LOG_LEVEL'
        ],
      ).toBe('DEBUG');
  });

  it('refuses a level Powertools does not know, naming the levels it does', () => {
    const { props } = orchestrator();
    expect(() => resolveOrchestratorProps({ ...props, logLevel: 'verbose' }, 'eu-west-1')).toThrow(
      /logLevel: expected one of TRACE, DEBUG, INFO, WARN, ERROR, SILENT, CRITICAL \(the Powertools Logger's levels\), got "verbose"/,
    );
  });
});
