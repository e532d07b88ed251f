import type { Plan } from '../plan/schema';
import { alloyImage, initImage } from '../plan/resolve';
import type {
  ContainerDefinition,
  KeyValuePair,
  LogConfiguration,
  Secret,
  TaskDefinitionInput,
  Volume,
} from './types';
import {
  ALLOY_CONTAINER,
  ALLOY_INIT_CONTAINER,
  ALLOY_PROXY_CONTAINER,
  alloyListenAddress,
  CONFIG_ENV,
  DRAIN_ENV,
  PATHS,
  RECORD_LABELS,
  ROLE,
  VOLUMES,
} from './names';
import { healthCheck, restartPolicy, wrapperEntryPoint, type Drain } from './sidecar-lifecycle';

/**
 * The sidecars' own logs go to CloudWatch, into the log group the ADOT collector (else a main
 * container) used, so the execution role already may write there, under their own stream prefix:
 * a shipper that fails is never hidden in the shipper. non-blocking: a CloudWatch outage must not
 * stall Alloy's stdout and with it the shipping of everything else. Null without such a group.
 */
export function sidecarAwslogs(
  mainLogging: LogConfiguration | undefined,
  prefix: string,
): LogConfiguration | null {
  const options = mainLogging?.logDriver === 'awslogs' ? (mainLogging.options ?? {}) : undefined;
  const group = options?.['awslogs-group'];
  if (!options || group === undefined) return null;
  const kept: Record<string, string> = { 'awslogs-group': group };
  if (options['awslogs-region'] !== undefined) kept['awslogs-region'] = options['awslogs-region'];
  return {
    logDriver: 'awslogs',
    options: { ...kept, 'awslogs-stream-prefix': prefix, mode: 'non-blocking', 'max-buffer-size': '4m' },
  };
}

/** json-file with rotation: Alloy reads it through the docker API (or tails the files). */
export function jsonFileLogging(plan: Plan): LogConfiguration {
  return {
    logDriver: 'json-file',
    options: { 'max-size': plan.alloy.logMaxSize, 'max-file': String(plan.alloy.logMaxFile) },
  };
}

/**
 * The config parameter as ECS `secrets.valueFrom`: a full SSM ARN when the account is known from
 * the task's role ARNs (works from any region), else the bare name (same-region lookup).
 */
export function configParameterValueFrom(td: TaskDefinitionInput, plan: Plan, parameterName: string): string {
  const roleArn = [td.executionRoleArn, td.taskRoleArn].find(
    (arn) => typeof arn === 'string' && /^arn:[a-z-]+:iam::\d{12}:/.test(arn),
  );
  const match = roleArn ? /^arn:([a-z-]+):iam::(\d{12}):/.exec(roleArn) : null;
  if (!match) return parameterName;
  const name = parameterName.startsWith('/') ? parameterName : `/${parameterName}`;
  return `arn:${match[1]}:ssm:${plan.region}:${match[2]}:parameter${name}`;
}

export interface NewContainersInput {
  readonly plan: Plan;
  readonly configValueFrom: string;
  readonly environment: readonly { name: string; value: string }[];
  readonly secrets: readonly { name: string; valueFrom: string }[];
  readonly cpu: number | undefined;
  readonly memory: { key: 'memory' | 'memoryReservation'; value: number } | undefined;
  readonly labels: Record<string, string>;
  /** Where Alloy's own logs go (sidecarAwslogs), json-file when null. */
  readonly ownLogging: LogConfiguration | null;
  readonly drain: Drain;
  readonly networkMode: 'awsvpc' | 'host';
}

/**
 * The init container only needs `sh`: ECS injects the config from SSM as a secret environment
 * variable and the container writes it into the shared volume, so no AWS CLI or credentials are
 * involved and any small multi-arch image works (the default is busybox).
 */
export function initContainer(input: NewContainersInput): ContainerDefinition {
  return {
    name: ALLOY_INIT_CONTAINER,
    image: initImage(input.plan),
    essential: false,
    cpu: input.plan.alloy.initCpu,
    memory: input.plan.alloy.initMemory,
    entryPoint: ['sh', '-c'],
    command: [`printf '%s' "$${CONFIG_ENV}" > ${PATHS.configFile}`],
    secrets: [{ name: CONFIG_ENV, valueFrom: input.configValueFrom }],
    mountPoints: [{ sourceVolume: VOLUMES.config, containerPath: PATHS.configDir, readOnly: false }],
    logConfiguration: jsonFileLogging(input.plan),
    dockerLabels: { [RECORD_LABELS.role]: ROLE.init },
  };
}

export function sidecarContainer(input: NewContainersInput): ContainerDefinition {
  const { plan } = input;
  const fileTail = plan.alloy.logSource === 'file-tail';
  const proxied = plan.alloy.dockerAccess === 'proxy';
  const port = plan.alloy.listenPort;
  const mountPoints = [
    { sourceVolume: VOLUMES.config, containerPath: PATHS.configDir, readOnly: true },
    // The docker API serves discovery in both modes (container name and task labels per stream).
    proxied
      ? { sourceVolume: VOLUMES.proxySocket, containerPath: PATHS.proxySocketDir, readOnly: true }
      : { sourceVolume: VOLUMES.dockerSocket, containerPath: PATHS.dockerSocket, readOnly: true },
    ...(fileTail
      ? [
          { sourceVolume: VOLUMES.dockerContainers, containerPath: PATHS.dockerContainers, readOnly: true },
          { sourceVolume: VOLUMES.data, containerPath: PATHS.storageVolume, readOnly: false },
        ]
      : []),
  ];
  const sidecar: ContainerDefinition = {
    name: ALLOY_CONTAINER,
    image: alloyImage(plan),
    essential: false,
  };
  if (input.cpu !== undefined) sidecar.cpu = input.cpu;
  if (input.memory) sidecar[input.memory.key] = input.memory.value;
  // In host mode the loopback port is the instance's: reserving it keeps ECS from placing a
  // second task that would bind it (the second Alloy would die at start).
  const reserved =
    input.networkMode === 'host'
      ? { portMappings: [{ containerPort: port, hostPort: port, protocol: 'tcp' }] }
      : {};
  Object.assign(sidecar, {
    entryPoint: wrapperEntryPoint(),
    command: [
      'run',
      `--server.http.listen-addr=${alloyListenAddress(port)}`,
      `--storage.path=${PATHS.storage}`,
      PATHS.configFile,
    ],
    environment: [
      ...input.environment.map((e): KeyValuePair => ({ name: e.name, value: e.value })),
      { name: DRAIN_ENV, value: String(input.drain.seconds) },
    ],
    secrets: input.secrets.map((s): Secret => ({ name: s.name, valueFrom: s.valueFrom })),
    mountPoints,
    ...reserved,
    // Start after the config is written (and the proxy is up); no main container depends on
    // Alloy, so an Alloy that cannot start never keeps the app from starting.
    dependsOn: [
      { containerName: ALLOY_INIT_CONTAINER, condition: 'SUCCESS' },
      ...(proxied ? [{ containerName: ALLOY_PROXY_CONTAINER, condition: 'START' }] : []),
    ],
    restartPolicy: restartPolicy(),
    healthCheck: healthCheck(port),
    stopTimeout: input.drain.stopTimeout,
    logConfiguration: input.ownLogging ?? jsonFileLogging(plan),
    dockerLabels: { [RECORD_LABELS.role]: ROLE.sidecar, ...input.labels },
  });
  if (sidecar.secrets?.length === 0) delete sidecar.secrets;
  return sidecar;
}

export function newVolumes(plan: Plan): Volume[] {
  const volumes: Volume[] = [
    { name: VOLUMES.config },
    { name: VOLUMES.dockerSocket, host: { sourcePath: PATHS.dockerSocket } },
  ];
  if (plan.alloy.dockerAccess === 'proxy') volumes.push({ name: VOLUMES.proxySocket });
  if (plan.alloy.logSource === 'file-tail') {
    volumes.push(
      { name: VOLUMES.dockerContainers, host: { sourcePath: PATHS.dockerContainers } },
      { name: VOLUMES.data },
    );
  }
  return volumes;
}

export function newVolumeNames(plan: Plan): string[] {
  return newVolumes(plan).map((v) => v.name ?? '');
}

/** Every volume name this transform may add, whatever the plan (revert removes them all). */
export const ALL_OUR_VOLUMES: readonly string[] = Object.values(VOLUMES);
