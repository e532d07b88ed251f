import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parsePlanOrThrow } from '../../../../core/plan/parse';
import type { Plan, ServicePlan } from '../../../../core/plan/schema';
import type { AnyTaskDefinition, ContainerDefinition, TaskDefinitionInput } from '../../../../core/taskdef';

const ROOT = join(__dirname, '../../../..');

export const REFERENCE_FIXTURES = [
  'temporal-history.json',
  'temporal-frontend.json',
  'adot-cfn-ec2-bridge.json',
  'otel-testframework-ec2-fargate-compat.json',
  'tdr-frontend-fargate.json',
  'cogini-foo-app-fargate.json',
] as const;

export const EXAMPLE_SERVICES = ['worker', 'history', 'matching', 'frontend', 'benchmark-worker'] as const;

export function fixture(name: string): TaskDefinitionInput {
  return JSON.parse(readFileSync(join(ROOT, 'test/fixtures/taskdefs', name), 'utf8')) as TaskDefinitionInput;
}

export function example(service: string): AnyTaskDefinition {
  return JSON.parse(
    readFileSync(join(ROOT, 'examples/task-definitions', `${service}.json`), 'utf8'),
  ) as AnyTaskDefinition;
}

/** The example plan with the `alloy` section overridden (values as a user would write them). */
export function planWith(alloy: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Plan {
  const doc = parse(readFileSync(join(ROOT, 'examples/plan.yaml'), 'utf8')) as Record<string, unknown>;
  // The example's shadow step needs the docker-api log source: a file-tail plan is written without it.
  if (alloy['logSource'] === 'file-tail')
    doc['phases'] = (doc['phases'] as Record<string, unknown>[]).map((p) =>
      Object.fromEntries(Object.entries(p).filter(([key]) => key !== 'shadow')),
    );
  return parsePlanOrThrow({ ...doc, ...extra, alloy: { ...(doc.alloy as object), ...alloy } });
}

export function service(overrides: Partial<ServicePlan> = {}): ServicePlan {
  return { name: 'svc', ecsService: 'svc', metricsPort: 9090, metricsPath: '/metrics', ...overrides };
}

export function planService(plan: Plan, name: string): ServicePlan {
  const found = plan.phases.flatMap((p) => p.services).find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name} in plan`);
  return found;
}

/** Stand-in for core/alloy's renderer in these unit tests (the transform only places its output). */
export const fakeRenderer = {
  renderServiceAlloyConfig: (
    plan: Plan,
    svc: ServicePlan,
    target: { mainContainers: string[]; networkMode: string },
  ): {
    config: string;
    environment: { name: string; value: string }[];
    secrets: { name: string; valueFrom: string }[];
  } => ({
    config: `// ${plan.cluster}/${svc.name}: ${target.mainContainers.join(',')} via ${target.networkMode}\n`,
    environment: [{ name: 'ALLOY_SERVICE_NAME', value: svc.name }],
    secrets: plan.loki.authSecretArn ? [{ name: 'LOKI_AUTH', valueFrom: plan.loki.authSecretArn }] : [],
  }),
};

/** A small ADOT + awslogs definition to vary per case: an app container and the collector. */
export function appContainer(overrides: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return {
    name: 'app',
    image: 'example/app:1',
    essential: true,
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/app', 'awslogs-region': 'eu-west-1', 'awslogs-stream-prefix': 'app' },
    },
    ...overrides,
  };
}

export function adotContainer(overrides: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return {
    name: 'adot',
    image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0',
    essential: false,
    cpu: 128,
    memory: 256,
    ...overrides,
  };
}

export function legacyTask(overrides: Partial<TaskDefinitionInput> = {}): TaskDefinitionInput {
  return {
    family: 'fam',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    taskRoleArn: 'arn:aws:iam::123456789012:role/task',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['EC2'],
    containerDefinitions: [appContainer(), adotContainer()],
    ...overrides,
  };
}
