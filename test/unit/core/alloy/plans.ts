import { parsePlanText } from '../../../../core/plan/parse-text';
import type { Plan, ServicePlan } from '../../../../core/plan/schema';

/** A valid plan from YAML, with the schema's defaults filled in. */
export function planFrom(yaml: string): Plan {
  const result = parsePlanText(yaml);
  if (!result.ok) throw new Error(`fixture plan is invalid: ${JSON.stringify(result.problems)}`);
  return result.plan;
}

export function serviceOf(plan: Plan, name: string): ServicePlan {
  const service = plan.phases.flatMap((p) => p.services).find((s) => s.name === name);
  if (!service) throw new Error(`no service ${name} in the fixture plan`);
  return service;
}

export function basePlan(extra: { loki?: string; alloy?: string; service?: string } = {}): Plan {
  return planFrom(`
cluster: temporal-dev
region: eu-west-1
loki:
  url: http://loki.temporal-dev.internal:3100
  pushUrl: http://loki:3100/loki/api/v1/push
${extra.loki ?? ''}
amp:
  workspaceId: ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789
alloy:
  version: v1.18.1
${extra.alloy ?? ''}
phases:
  - name: core
    services:
      - name: history
        ecsService: temporal-dev-temporal-history
        mainContainers: [temporal-history]
${extra.service ?? ''}
`);
}
