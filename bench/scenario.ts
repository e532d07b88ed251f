import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { LOKI_NETWORK_CONFIGURATION } from '../sandbox/network-seed';
import type { SeedCluster, SeedService } from '../sandbox/seed';

/** What one rehearsal runs: the plan as a user wrote it, and the cluster it finds. */
export interface Scenario {
  readonly name: string;
  readonly planDocument: Record<string, unknown>;
  readonly seed: SeedCluster;
  /** Plan service name -> ECS service name. */
  readonly aliases: Readonly<Record<string, string>>;
}

interface PlanService {
  name: string;
  ecsService: string;
  mainContainers: string[];
}

const LOKI_IMAGE_BEFORE = 'grafana/loki:3.4.2';

/** A Loki service already in the cluster on an older image, so the rollout's Loki step has a deployment to do. */
function lokiSeed(cluster: string, serviceName: string): SeedService {
  return {
    serviceName,
    desiredCount: 1,
    // awsvpc in the sandbox VPC's subnets, as a rehearsal seeds it: the S3 endpoint check reads them.
    networkConfiguration: LOKI_NETWORK_CONFIGURATION,
    taskDefinition: {
      family: serviceName,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['EC2'],
      cpu: '512',
      memory: '1024',
      containerDefinitions: [
        {
          name: 'loki',
          image: LOKI_IMAGE_BEFORE,
          essential: true,
          cpu: 512,
          memory: 1024,
          portMappings: [{ containerPort: 3100 }],
        },
      ],
      tags: [{ key: 'cluster', value: cluster }],
    },
  };
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** examples/plan.yaml on its example task definitions: the seeds' Temporal cluster (five services). */
export function exampleScenario(root: string): Scenario {
  const planDocument = parseYaml(readFileSync(path.join(root, 'examples', 'plan.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const phases = planDocument['phases'] as { services: PlanService[] }[];
  const services = phases.flatMap((p) => p.services);
  const cluster = String(planDocument['cluster']);
  const loki = planDocument['loki'] as { service: string };
  return {
    name: 'example',
    planDocument,
    aliases: Object.fromEntries(services.map((s) => [s.name, s.ecsService])),
    seed: {
      cluster,
      instances: { count: 4, cpu: 16384, memory: 65536 },
      services: [
        lokiSeed(cluster, loki.service),
        ...services.map((s) => ({
          serviceName: s.ecsService,
          taskDefinition: readJson(path.join(root, 'examples', 'task-definitions', `${s.name}.json`)),
          desiredCount: 2,
        })),
      ],
    },
  };
}

function withoutClusterChecks(verification: unknown): Record<string, unknown> {
  const { checks: _checks, ...rest } = (verification ?? {}) as Record<string, unknown>;
  void _checks;
  return rest;
}

export function generatedServiceName(i: number): string {
  return `svc-${String(i + 1).padStart(4, '0')}`;
}

/**
 * The example plan with `count` services, each a copy of the example worker (two tasks), in
 * phases of 25. Verification settings stay the example's, so per-service work is the same.
 */
export function generatedScenario(root: string, count: number): Scenario {
  const base = exampleScenario(root);
  const worker = readJson(path.join(root, 'examples', 'task-definitions', 'worker.json'));
  const workerTd = (worker['taskDefinition'] ?? worker) as Record<string, unknown>;
  const cluster = base.seed.cluster;
  const names = Array.from({ length: count }, (_, i) => generatedServiceName(i));
  const ecsName = (n: string) => `${cluster}-${n}`;
  const phases: { name: string; services: PlanService[] }[] = [];
  for (let i = 0; i < names.length; i += 25) {
    phases.push({
      name: `wave-${phases.length + 1}`,
      services: names
        .slice(i, i + 25)
        .map((n) => ({ name: n, ecsService: ecsName(n), mainContainers: ['temporal-worker'] })),
    });
  }
  // Two tasks per service, one service deploying at a time: room for every task plus one deployment.
  const instances = Math.ceil(((count * 2 + 2) * 1024) / 16384) + 1;
  return {
    name: `generated-${count}`,
    // The example's extra check counts error lines across the whole cluster: with hundreds of
    // services it fails by itself, whatever the service under test does. Plan checks cannot be
    // scoped to that service, so the scale plan keeps the per-service logs and metrics checks only.
    planDocument: {
      ...base.planDocument,
      phases,
      verification: withoutClusterChecks(base.planDocument['verification']),
    },
    aliases: Object.fromEntries(names.map((n) => [n, ecsName(n)])),
    seed: {
      cluster,
      instances: { count: instances, cpu: 16384, memory: 65536 },
      services: [
        base.seed.services[0] as SeedService,
        ...names.map((n) => ({
          serviceName: ecsName(n),
          // The DescribeTaskDefinition shape, as the example files are.
          taskDefinition: { taskDefinition: { ...workerTd, family: ecsName(n) } },
          desiredCount: 2,
        })),
      ],
    },
  };
}
