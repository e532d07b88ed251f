import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { InputInvalidError, PlanInvalidError } from '../../core/errors';
import { formatProblems, validatePlan } from '../../core/plan/parse';
import { decodePlanText } from '../../core/plan/parse-text';
import { orderedServices } from '../../core/plan/resolve';
import type { Plan } from '../../core/plan/schema';
import { readTaskDefinition, type AnyTaskDefinition } from '../../core/taskdef';

export interface RehearsalInputs {
  /** The plan as written (decoded), which the execution receives after the sandbox's endpoints are filled in. */
  readonly document: Record<string, unknown>;
  readonly plan: Plan;
  /** Baseline (ADOT + awslogs) task definition of each plan service, by plan service name. */
  readonly taskDefinitions: ReadonlyMap<string, AnyTaskDefinition>;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputInvalidError(
      `${file}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? (error as Error).message})`} (the ${what})`,
      { file },
    );
  }
}

/** Reads and validates the plan and one task definition per plan service (`<dir>/<service>.json`). */
export async function readRehearsalInputs(
  planFile: string,
  taskDefinitionsDir: string,
): Promise<RehearsalInputs> {
  const decoded = decodePlanText(await readText(planFile, 'plan'));
  if (!decoded.ok)
    throw new PlanInvalidError(formatProblems(planFile, decoded.problems), {
      file: planFile,
      problems: decoded.problems,
    });
  const { document } = decoded;
  const result = validatePlan(document);
  if (!result.ok)
    throw new PlanInvalidError(formatProblems(planFile, result.problems), { problems: result.problems });
  const taskDefinitions = new Map<string, AnyTaskDefinition>();
  for (const service of orderedServices(result.plan)) {
    const file = path.join(taskDefinitionsDir, `${service.name}.json`);
    const text = await readText(file, `task definition of service "${service.name}"`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputInvalidError(`${file}: not valid JSON: ${(error as Error).message}`, { file });
    }
    taskDefinitions.set(service.name, readTaskDefinition(json, file));
  }
  return { document, plan: result.plan, taskDefinitions };
}

/**
 * The plan the rehearsal runs: the user's, with the two addresses only the sandbox knows. Lambdas
 * reach Loki at the sandbox and AMP at the sandbox's AMP front of Prometheus; nothing else changes.
 */
export function sandboxPlanDocument(
  document: Record<string, unknown>,
  lokiUrl: string,
  ampQueryUrl: string,
  grafana?: SandboxGrafanaAddress,
): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(document)) as Record<string, Record<string, unknown>>;
  copy['loki'] = { ...(copy['loki'] ?? {}), url: lokiUrl };
  copy['amp'] = { ...(copy['amp'] ?? {}), queryUrl: ampQueryUrl };
  if (copy['grafana'] && grafana) copy['grafana'] = { ...copy['grafana'], ...sandboxGrafanaFields(grafana) };
  return copy;
}

/** What of the Grafana twin a rehearsal plan points at (sandbox.ts SandboxGrafana). */
export interface SandboxGrafanaAddress {
  readonly url: string;
  readonly tokenSecretArn: string;
  readonly lokiDatasourceUid: string;
  readonly prometheusDatasourceUid: string;
}

/**
 * A plan's grafana section as the rehearsal runs it: the twin's URL, token secret and datasource
 * UIDs; the dashboards stay the plan's (the twin serves `temporal-services`).
 */
export function sandboxGrafanaFields(grafana: SandboxGrafanaAddress): {
  url: string;
  tokenSecretArn: string;
  datasourceUid: string;
  prometheusDatasourceUid: string;
} {
  return {
    url: grafana.url,
    tokenSecretArn: grafana.tokenSecretArn,
    datasourceUid: grafana.lokiDatasourceUid,
    prometheusDatasourceUid: grafana.prometheusDatasourceUid,
  };
}
