import type { Plan, ServicePlan } from '../plan/schema';
import { configParameterName } from '../plan/resolve';
import { renderServiceAlloyConfig } from '../alloy';
import type { AnyTaskDefinition, ContainerDefinition, ResourceBudget, TaskDefinitionInput } from './types';
import { arnOf, toRegisterInput } from './register-input';
import { adotCandidates, isAlloyContainer, isEssential } from './detect';
import {
  ALLOY_CONTAINER,
  ALLOY_INIT_CONTAINER,
  ALLOY_PROXY_CONTAINER,
  BASELINE_TAG,
  RECORD_LABELS,
} from './names';
import {
  collectorPorts,
  hostnameMentions,
  linkTarget,
  loopbackPortMentions,
  withoutCollectorReferences,
} from './references';
import {
  configParameterValueFrom,
  initContainer,
  jsonFileLogging,
  newVolumeNames,
  newVolumes,
  sidecarAwslogs,
  sidecarContainer,
} from './alloy-containers';
import { DOCKER_PROXY_SIZE, dockerProxyContainer } from './docker-proxy';
import { drainFor } from './sidecar-lifecycle';
import { imageWarnings, platformRefusal, portRefusals } from './task-checks';
import { carvedSidecarSize, checkBudget } from './budget';
import { REFUSAL_REASONS as R, unmigratable, type Refusal } from './refusal';
import { diffTaskDefinitions } from './diff';
import { awslogsMultiline, type MultilineSetting } from './awslogs-multiline';
import {
  driverTreatment,
  idleRouterWarnings,
  isFirelensRouter,
  logDriverRefusals,
  switchedLogging,
} from './log-drivers';
import { collectorConfigSource, collectorEnvironment, type CollectorConfig } from './adot-config-source';
import { resolveScrape } from './scrape-settings';

export type MigrateResult =
  | {
      kind: 'migrated';
      taskDefinition: TaskDefinitionInput;
      alloyConfig: string;
      diff: string;
      warnings: string[];
      mainContainers: string[];
      adotContainer: string;
      configParameter: string;
      budget: ResourceBudget;
    }
  | { kind: 'already-migrated'; reason: string };

export interface MigrateOptions {
  /** ARN recorded in the BASELINE_TAG; default: the ARN of a described `current`. */
  readonly baselineArn?: string;
  /**
   * The ADOT collector's config, decoded by the caller (collectorConfigOf in adot-config-text.ts:
   * the inline AOT_CONFIG_CONTENT / `--config env:NAME` value, or the SSM parameter it names, which
   * the Lambdas read), or why there is none. Its Prometheus scrape job gives the Alloy scrape its
   * interval, timeout, path, job and instance (scrape-settings.ts). Default: not read, and a
   * warning naming where the config is.
   */
  readonly collectorConfig?: CollectorConfig;
}

/** Why there is no collector config when the caller passed none: where it would have been. */
function unreadCollectorConfig(adot: ContainerDefinition): CollectorConfig {
  const source = collectorConfigSource(adot);
  if (source.kind === 'none') return { unavailable: source.reason };
  return { unavailable: `${source.from} was not read` };
}

type ScrapeNetworkMode = 'awsvpc' | 'host';

/**
 * Bridge mode is refused rather than scraped through docker discovery of container IPs: the
 * sidecar's 127.0.0.1 is not the app's there, and the reference bridge definitions also fail the
 * other checks (links to the collector, no essential container left), so the added complexity
 * would serve no definition we have seen.
 */
function networkRefusal(mode: string): Refusal | null {
  if (mode === 'awsvpc' || mode === 'host') return null;
  if (mode === 'bridge')
    return {
      reason: R.bridgeScrape,
      message:
        'network mode "bridge": the sidecar cannot scrape the main containers on 127.0.0.1 (use awsvpc or host)',
    };
  return { reason: R.networkMode, message: `network mode "${mode}": expected "awsvpc" or "host"` };
}

function findAdot(
  td: TaskDefinitionInput,
  service: ServicePlan,
  refusals: Refusal[],
): ContainerDefinition | undefined {
  if (service.adotContainer !== undefined) {
    const named = td.containerDefinitions.find((c) => c.name === service.adotContainer);
    if (!named)
      refusals.push({
        reason: R.noAdot,
        message: `no container named "${service.adotContainer}" (the plan's adotContainer); containers: ${td.containerDefinitions.map((c) => c.name).join(', ')}`,
      });
    return named;
  }
  const found = adotCandidates(td);
  if (found.length === 0) {
    refusals.push({
      reason: R.noAdot,
      message:
        "no ADOT collector container found (no image named aws-otel-collector); set the service's adotContainer if it uses another image",
    });
    return undefined;
  }
  if (found.length > 1) {
    refusals.push({
      reason: R.multipleAdot,
      message: `several ADOT collector containers (${found.map((c) => c.name).join(', ')}); set the service's adotContainer`,
    });
    return undefined;
  }
  return found[0];
}

function alloyMemory(
  plan: Plan,
  adot: ContainerDefinition,
  taskMemory: string | undefined,
): { key: 'memory' | 'memoryReservation'; value: number } | undefined {
  if (plan.alloy.memory !== undefined) return { key: 'memory', value: plan.alloy.memory };
  if (adot.memory !== undefined) return { key: 'memory', value: adot.memory };
  if (adot.memoryReservation !== undefined)
    return { key: 'memoryReservation', value: adot.memoryReservation };
  // EC2 needs a container-level memory figure when the task sets none.
  return taskMemory === undefined ? { key: 'memory', value: 256 } : undefined;
}

/**
 * Turns an ADOT + awslogs definition into an Alloy + json-file one (see DESIGN.md, "Task-definition
 * transform"). Pure: the result carries the rendered Alloy config for the caller to store in SSM.
 * Throws UnmigratableError listing every reason; `already-migrated` is a result, not an error.
 */
export function migrate(
  current: AnyTaskDefinition,
  service: ServicePlan,
  plan: Plan,
  options: MigrateOptions = {},
): MigrateResult {
  const before = toRegisterInput(current);
  const td = toRegisterInput(current);
  const family = td.family;
  const containers = td.containerDefinitions;

  // Any Alloy container counts: adding a second collector would ship every line twice.
  const alloy = containers.find(isAlloyContainer);
  if (alloy)
    return {
      kind: 'already-migrated',
      reason: `task definition family "${family}" already runs the Alloy sidecar "${alloy.name}"`,
    };

  const refusals: Refusal[] = [];
  if (td.requiresCompatibilities?.includes('FARGATE')) {
    refusals.push({
      reason: R.fargate,
      message:
        'requiresCompatibilities includes FARGATE: Fargate has no json-file log driver and no host docker socket',
    });
  }
  const adot = findAdot(td, service, refusals);
  const adotName = adot?.name;
  const others = containers.filter((c) => c.name !== adotName);

  // A FireLens log router is a helper like the collector, not an app (log-drivers.ts).
  const mainContainers =
    service.mainContainers ?? others.filter((c) => !isFirelensRouter(c)).map((c) => c.name);
  const unknown = mainContainers.filter((name) => !others.some((c) => c.name === name));
  if (unknown.length > 0) {
    refusals.push({
      reason: R.unknownMainContainer,
      message: `main container${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} not found among the app containers (${others.map((c) => c.name).join(', ') || 'none'})`,
    });
  }

  const clashingContainers = containers
    .filter((c) => [ALLOY_CONTAINER, ALLOY_INIT_CONTAINER, ALLOY_PROXY_CONTAINER].includes(c.name))
    .map((c) => c.name);
  const existingVolumes = new Set((td.volumes ?? []).map((v) => v.name));
  const clashingVolumes = newVolumeNames(plan).filter((name) => existingVolumes.has(name));
  if (clashingContainers.length > 0 || clashingVolumes.length > 0) {
    const parts = [
      ...clashingContainers.map((n) => `a container is already named "${n}"`),
      ...clashingVolumes.map((n) => `a volume is already named "${n}"`),
    ];
    refusals.push({ reason: R.nameClash, message: `${parts.join('; ')} (names this migration adds)` });
  }

  if (adot && !others.some(isEssential)) {
    refusals.push({
      reason: R.noEssentialLeft,
      message: `"${adot.name}" is the only essential container: removing it leaves none, and ECS requires one`,
    });
  }

  const warnings: string[] = [];
  if (adot) {
    for (const c of others) {
      const linked = (c.links ?? []).some((l) => linkTarget(l) === adot.name);
      const mentions = hostnameMentions(c, adot.name);
      if (linked && mentions.length > 0) {
        refusals.push({
          reason: R.collectorDependency,
          message: `container "${c.name}" reaches the collector by link and hostname (${mentions.join('; ')})`,
        });
      } else if (linked) {
        warnings.push(`container "${c.name}": link to "${adot.name}" removed (restored on revert)`);
      } else if (mentions.length > 0) {
        warnings.push(
          `container "${c.name}" names the collector "${adot.name}" (${mentions.join('; ')}); Alloy will not answer there`,
        );
      }
      for (const m of loopbackPortMentions(c, collectorPorts(adot))) {
        warnings.push(
          `container "${c.name}" sends to a port the collector served: ${m}; Alloy will not answer there`,
        );
      }
    }
  }

  const mainLogging = others.filter((c) => mainContainers.includes(c.name));
  refusals.push(...logDriverRefusals(mainLogging, service));
  // awslogs joined multi-line events itself; after the switch Alloy must (awslogs-multiline.ts).
  const multiline: Record<string, MultilineSetting> = {};
  for (const c of mainLogging) {
    const setting = awslogsMultiline(c.name, c.logConfiguration);
    if (setting) multiline[c.name] = setting;
  }

  const networkMode = td.networkMode ?? 'bridge';
  const network = networkRefusal(networkMode);
  if (network) refusals.push(network);
  if (td.executionRoleArn === undefined) {
    refusals.push({
      reason: R.noExecutionRole,
      message: 'no executionRoleArn: ECS needs it to inject the Alloy config from SSM',
    });
  }
  if (td.taskRoleArn === undefined) {
    refusals.push({
      reason: R.noTaskRole,
      message:
        'no taskRoleArn: Alloy signs its remote writes to Amazon Managed Prometheus with the task role',
    });
  }
  const platform = platformRefusal(td);
  if (platform) refusals.push(platform);
  const mainDefinitionsForPorts = others.filter((c) => mainContainers.includes(c.name));
  const scrape = adot
    ? resolveScrape(service, {
        collector: options.collectorConfig ?? unreadCollectorConfig(adot),
        collectorEnv: collectorEnvironment(adot),
        mappedPorts: mainDefinitionsForPorts.flatMap((c) =>
          (c.portMappings ?? []).flatMap((m) => (m.containerPort === undefined ? [] : [m.containerPort])),
        ),
      })
    : null;
  refusals.push(...portRefusals(others, scrape?.settings.port, plan.alloy.listenPort));
  if (refusals.length > 0 || !adot || !scrape) throw unmigratable(family, service.name, refusals);
  warnings.push(...scrape.warnings);

  const parameter = configParameterName(plan, service.name);
  const rendered = renderServiceAlloyConfig(plan, service, {
    mainContainers: [...mainContainers],
    multiline,
    networkMode: networkMode as ScrapeNetworkMode,
    scrape: scrape.settings,
  });
  const labels: Record<string, string> = {
    [RECORD_LABELS.adotContainer]: adot.name,
    [RECORD_LABELS.mainContainers]: mainContainers.join(','),
  };
  const proxied = plan.alloy.dockerAccess === 'proxy';
  const carved = carvedSidecarSize({
    taskCpu: td.cpu,
    taskMemory: td.memory,
    containers,
    adot,
    init: {
      cpu: plan.alloy.initCpu + (proxied ? DOCKER_PROXY_SIZE.cpu : 0),
      memory: plan.alloy.initMemory + (proxied ? DOCKER_PROXY_SIZE.memory : 0),
    },
  });
  const defaultMemory = alloyMemory(plan, adot, td.memory);
  const cpu = plan.alloy.cpu ?? carved.cpu ?? adot.cpu;
  const memory =
    plan.alloy.memory === undefined && carved.memory !== null && defaultMemory?.key === 'memory'
      ? { key: 'memory' as const, value: carved.memory }
      : defaultMemory;
  if (cpu !== (plan.alloy.cpu ?? adot.cpu) || memory !== defaultMemory)
    warnings.push(
      `Alloy sized ${cpu ?? 0} cpu / ${memory?.value ?? 0} MiB so that it and the init container (${plan.alloy.initCpu}/${plan.alloy.initMemory}) fit in what ${adot.name} had (${adot.cpu ?? 0}/${adot.memory ?? adot.memoryReservation ?? 0}); set alloy.cpu/alloy.memory to choose otherwise`,
    );
  const mainDefinitions = others.filter((c) => mainContainers.includes(c.name));
  const drain = drainFor(mainDefinitions, plan.alloy.drain);
  if (drain.source.startsWith('capped'))
    warnings.push(
      `Alloy drains ${drain.seconds}s at task stop (${drain.source}); later lines may not reach Loki`,
    );
  // The collector's own log group first (its logs were there before), else a main container's.
  const logsFrom = [adot, ...mainDefinitions].find((c) =>
    sidecarAwslogs(c.logConfiguration, ALLOY_CONTAINER),
  );
  const ownLogging = sidecarAwslogs(logsFrom?.logConfiguration, ALLOY_CONTAINER);
  if (!ownLogging)
    warnings.push(
      "neither the collector nor a main container logged to a CloudWatch log group: Alloy's own logs stay in json-file on the instance",
    );
  warnings.push(...imageWarnings(plan));
  const shared = {
    plan,
    ownLogging,
    drain,
    networkMode: networkMode as ScrapeNetworkMode,
    configValueFrom: configParameterValueFrom(td, plan, parameter),
    environment: rendered.environment,
    secrets: rendered.secrets,
    cpu,
    memory,
    labels,
  };
  const init = initContainer(shared);
  const sidecar = sidecarContainer(shared);
  const proxy = proxied ? dockerProxyContainer(plan) : null;
  if (proxy) {
    const proxyLogging = sidecarAwslogs(logsFrom?.logConfiguration, ALLOY_PROXY_CONTAINER);
    proxy.logConfiguration = proxyLogging ?? jsonFileLogging(plan);
  }
  const added = proxy ? [init, proxy, sidecar] : [init, sidecar];

  const main = new Set(mainContainers);
  td.containerDefinitions = containers.flatMap((c) => {
    // The new pair takes the collector's place, so the rest of the list keeps its order.
    if (c.name === adot.name) return added;
    const out = withoutCollectorReferences(c, adot.name);
    if (main.has(c.name)) {
      const treatment = driverTreatment(c, service);
      if (treatment === 'switch' && c.logConfiguration)
        out.logConfiguration = switchedLogging(plan, c.logConfiguration);
      else if (treatment === 'unset')
        warnings.push(
          `main container "${c.name}" has no logConfiguration: it uses the host's default driver, which Alloy reads only if it is json-file`,
        );
    }
    return [out];
  });
  warnings.push(...idleRouterWarnings(td.containerDefinitions));
  td.volumes = [...(td.volumes ?? []), ...newVolumes(plan)];

  const check = checkBudget({
    taskCpu: td.cpu,
    taskMemory: td.memory,
    before: containers,
    after: td.containerDefinitions,
    adot,
    alloy: sidecar,
    init,
  });
  if (check.overruns.length > 0 && !plan.alloy.allowResize) {
    throw unmigratable(
      family,
      service.name,
      [
        {
          reason: R.budget,
          message: `${check.overruns.join('; ')} (Alloy takes ${check.budget.alloy.cpu}/${check.budget.alloy.memory}, init ${check.budget.init.cpu}/${check.budget.init.memory}, ADOT freed ${check.budget.freed.cpu}/${check.budget.freed.memory}); set alloy.cpu/memory smaller or alloy.allowResize: true`,
        },
      ],
      { budget: check.budget },
    );
  }
  const taskAfter = { ...check.budget.taskBefore };
  if (check.fittingCpu !== null) {
    labels[RECORD_LABELS.resizedCpu] = `${td.cpu}->${check.fittingCpu}`;
    td.cpu = String(check.fittingCpu);
    taskAfter.cpu = check.fittingCpu;
  }
  if (check.fittingMemory !== null) {
    labels[RECORD_LABELS.resizedMemory] = `${td.memory}->${check.fittingMemory}`;
    td.memory = String(check.fittingMemory);
    taskAfter.memory = check.fittingMemory;
  }
  if (check.overruns.length > 0)
    warnings.push(`task resized (alloy.allowResize): ${check.overruns.join('; ')}`);
  Object.assign(sidecar.dockerLabels ?? {}, labels);

  const baselineArn = options.baselineArn ?? arnOf(current);
  if (baselineArn !== undefined) {
    td.tags = [
      ...(td.tags ?? []).filter((t) => t.key !== BASELINE_TAG),
      { key: BASELINE_TAG, value: baselineArn },
    ];
  }

  return {
    kind: 'migrated',
    taskDefinition: td,
    alloyConfig: rendered.config,
    diff: diffTaskDefinitions(before, td),
    warnings,
    mainContainers: [...mainContainers],
    adotContainer: adot.name,
    configParameter: parameter,
    budget: { ...check.budget, taskAfter, resized: check.overruns.length > 0 },
  };
}
