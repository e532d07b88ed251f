import { randomUUID } from 'node:crypto';
import { configPrefix, orderedServices } from '../../core/plan/resolve';
import type { Sandbox } from '../sandbox';
import { LOKI_NETWORK_CONFIGURATION } from '../network-seed';
import { seedCluster, type SeedService } from '../seed';
import type { RehearsalInputs } from './inputs';

/** Simulated time the seeded services get to reach their first steady state. */
const SEED_TIMEOUT_SIM_MS = 10 * 60_000;

/**
 * The team's cluster as it stands before the rollout: every plan service on its baseline
 * definition (ADOT + awslogs), the Loki service the plan names, EC2 capacity for all of them, and
 * the services' roles with what the plan's migration needs (config prefix, workspace, Loki secret).
 */
export async function seedPlanCluster(sandbox: Sandbox, inputs: RehearsalInputs): Promise<void> {
  const { plan } = inputs;
  const services: SeedService[] = orderedServices(plan).map((s) => ({
    serviceName: s.ecsService,
    taskDefinition: inputs.taskDefinitions.get(s.name) as Record<string, unknown>,
    desiredCount: 2,
    // Without a plan port the seed takes the task definition's (as ADOT's config would name it).
    ...(s.metricsPort === undefined ? {} : { metricsPort: s.metricsPort }),
  }));
  if (plan.loki.service)
    services.push({
      serviceName: plan.loki.service,
      desiredCount: 1,
      // awsvpc, in the sandbox VPC's private subnets: where the S3 gateway endpoint is checked.
      networkConfiguration: LOKI_NETWORK_CONFIGURATION,
      taskDefinition: {
        family: plan.loki.service,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['EC2'],
        cpu: '512',
        memory: '1024',
        containerDefinitions: [
          {
            name: 'loki',
            image: plan.loki.image ?? 'grafana/loki:3.5.3',
            essential: true,
            portMappings: [{ containerPort: 3100 }],
          },
        ],
      },
    });
  // The team's Loki as the plan describes it: its bucket and retention are what /config prints.
  sandbox.lokiStorage.configure({
    ...(plan.loki.storage ? { bucket: plan.loki.storage.bucket } : {}),
    ...(plan.loki.retention ? { retention: plan.loki.retention } : {}),
  });
  // The team's Loki credentials where the plan's authSecretArn points (its account), for the
  // Lambdas and the Alloy sidecars to read as in AWS (the Loki twin does not check them). Found by
  // its partial ARN, so the plan's ARN names the sandbox's region and no random suffix.
  const lokiSecret = plan.loki.authSecretArn;
  const lokiSecretParts = lokiSecret
    ? /^arn:[^:]+:secretsmanager:[^:]*:(\d{12}):secret:(.+)$/.exec(lokiSecret)
    : null;
  if (lokiSecret && lokiSecretParts && !sandbox.secrets.has(lokiSecret))
    sandbox.secrets.create(
      lokiSecretParts[2] as string,
      JSON.stringify({ username: 'alloy', password: `sandbox-${randomUUID()}` }),
      { account: lokiSecretParts[1] as string },
    );
  seedCluster(sandbox, {
    cluster: plan.cluster,
    instances: { count: Math.max(3, services.length), cpu: 8192, memory: 32768, architecture: 'arm64' },
    services,
    ampWorkspaceId: plan.amp.workspaceId,
    roleGrants: {
      configPrefix: configPrefix(plan),
      ampWorkspaceId: plan.amp.workspaceId,
      ...(plan.loki.authSecretArn ? { lokiSecretArn: plan.loki.authSecretArn } : {}),
    },
  });
  const cluster = sandbox.ecs.cluster(plan.cluster);
  const deadline = Date.now() + sandbox.clock.realMs(SEED_TIMEOUT_SIM_MS) + 5_000;
  for (;;) {
    const pending = [...cluster.services.values()].filter(
      (s) => s.deployments.length !== 1 || s.deployments[0]?.rolloutState !== 'COMPLETED',
    );
    if (pending.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `seeded services did not reach a steady state: ${pending.map((s) => s.serviceName).join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}
