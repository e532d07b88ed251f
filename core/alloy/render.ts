import { InputInvalidError } from '../errors';
import { ampRemoteWriteUrl, lokiPushUrl } from '../plan/resolve';
import type { Plan, ServicePlan } from '../plan/schema';
import { lokiSecrets, type SidecarSecret } from './render/credentials';
import { logPipeline, logSource, logTargets, lokiWriter } from './render/logs';
import { metricBlocks, scrapeSettingsFromPlan } from './render/metrics';
import { dockerHost, ECS_LABELS, LABELS, METADATA_ENV } from './render/names';
import type { AlloyTarget } from './render/target';
import { attr, block, raw, writeAlloy, type BlockItem } from './render/writer';

export type { AlloyTarget } from './render/target';

export interface RenderedAlloy {
  /** The config file, for SSM and the init container. */
  config: string;
  /** Plain variables the sidecar container needs (none today: ECS sets the metadata URI). */
  environment: { name: string; value: string }[];
  /** ECS secrets the sidecar container needs (Loki credentials), sorted by name. */
  secrets: { name: string; valueFrom: string }[];
}

const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;

/** The task ARN, read from the ECS task metadata endpoint v4 by the remote.http component. */
const TASK_ARN = `encoding.from_json(remote.http.${LABELS.task}.content)["TaskARN"]`;

/**
 * Renders the Alloy config for one service's sidecar, plus the variables and secrets the sidecar
 * container must be given. Pure and deterministic: the same inputs give the same bytes.
 * @throws InputInvalidError when the target names no main container or an invalid one.
 */
export function renderServiceAlloyConfig(
  plan: Plan,
  service: ServicePlan,
  target: AlloyTarget,
): RenderedAlloy {
  if (target.mainContainers.length === 0) {
    throw new InputInvalidError(
      `service "${service.name}": expected at least one main container to collect from`,
      { service: service.name },
    );
  }
  for (const name of target.mainContainers) {
    if (!CONTAINER_NAME.test(name)) {
      throw new InputInvalidError(
        `service "${service.name}": main container name ${JSON.stringify(name)} is not a valid ECS container name`,
        { service: service.name },
      );
    }
  }
  const containers = [...new Set(target.mainContainers)].sort();
  const multiline = target.multiline ?? {};
  for (const [name, setting] of Object.entries(multiline)) {
    if (!containers.includes(name) || setting.firstline === '') {
      throw new InputInvalidError(
        `service "${service.name}": multi-line setting for ${JSON.stringify(name)}: expected a main container (${containers.join(', ')}) and a non-empty firstline regex`,
        { service: service.name },
      );
    }
  }
  const scrape = target.scrape ?? scrapeSettingsFromPlan(service);
  const header = [
    `Grafana Alloy ${plan.alloy.version} sidecar config for service "${service.name}" in ECS cluster "${plan.cluster}".`,
    'Rendered by alloy-rollout from the rollout plan: change the plan, not this file.',
    `Logs (${plan.alloy.logSource}) of ${containers.join(', ')} -> ${lokiPushUrl(plan)}`,
    `Metrics (${target.networkMode}) :${scrape.port}${scrape.path} every ${scrape.interval} as job "${scrape.jobName}"${scrape.instance === null ? '' : `, instance "${scrape.instance}"`} -> ${ampRemoteWriteUrl(plan)}`,
  ];
  const blocks: BlockItem[] = [
    block(
      'remote.http',
      LABELS.task,
      [attr('url', raw(`string.format("%s/task", sys.env("${METADATA_ENV}"))`))],
      [`This task's own metadata (ECS sets no task id variable; ${METADATA_ENV} is set in every container).`],
    ),
    block(
      'discovery.docker',
      LABELS.task,
      [
        attr('host', dockerHost(plan.alloy.dockerAccess)),
        attr('refresh_interval', '5s'),
        block('filter', undefined, [
          attr('name', 'label'),
          attr('values', [raw(`string.format("${ECS_LABELS.taskArn}=%s", ${TASK_ARN})`)]),
        ]),
      ],
      ["Only this task's containers: the docker socket shows every container on the host."],
    ),
    logTargets(plan, containers),
    logSource(plan),
    logPipeline(plan, service, multiline),
    lokiWriter(plan),
    ...metricBlocks(plan, service, { ...target, mainContainers: containers }, TASK_ARN),
  ];
  const secrets: SidecarSecret[] = lokiSecrets(plan);
  return {
    config: writeAlloy(header, blocks),
    environment: [],
    secrets: [...secrets]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({ name: s.name, valueFrom: s.valueFrom })),
  };
}
