import { clientError } from '../aws/errors';
import type { Arns, ContainerDefinition, TaskDefinition } from './model';

const LOG_DRIVERS = [
  'awslogs',
  'json-file',
  'fluentd',
  'gelf',
  'journald',
  'logentries',
  'splunk',
  'syslog',
  'awsfirelens',
  'none',
];
const FARGATE_LOG_DRIVERS = ['awslogs', 'splunk', 'awsfirelens'];
const DEPENDS_ON = ['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'];
/** Fields RegisterTaskDefinition fills in; an input carrying them came straight from a Describe. */
const OUTPUT_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
];

const fail = (message: string) => clientError('ClientException', message);

/** ECS's documented ranges, in seconds (retries a count). */
const RESTART_ATTEMPT_PERIOD = { min: 60, max: 1800 } as const;
const MAX_IGNORED_EXIT_CODES = 50;
const MAX_STOP_TIMEOUT = 120;
const HEALTH_CHECK_RANGES = {
  interval: [5, 300],
  timeout: [2, 60],
  retries: [1, 10],
  startPeriod: [0, 300],
} as const;

const isWhole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** restartPolicy, stopTimeout, healthCheck and port mappings of one container, as ECS checks them. */
function validateContainerRuntime(raw: ContainerDefinition, networkMode: unknown): void {
  const invalid = (field: string, why: string) =>
    fail(`Invalid '${field}' setting for container '${raw.name}'. ${why}`);
  const restart = raw.restartPolicy as Record<string, unknown> | undefined;
  if (restart !== undefined) {
    if (typeof restart !== 'object' || restart === null || typeof restart['enabled'] !== 'boolean')
      throw invalid('restartPolicy', "'enabled' is required and must be true or false.");
    const period = restart['restartAttemptPeriod'];
    const { min, max } = RESTART_ATTEMPT_PERIOD;
    if (period !== undefined && (!isWhole(period) || period < min || period > max))
      throw invalid(
        'restartPolicy',
        `'restartAttemptPeriod' must be between ${min} and ${max} seconds; got ${JSON.stringify(period)}.`,
      );
    const ignored = restart['ignoredExitCodes'];
    if (ignored !== undefined) {
      if (!Array.isArray(ignored) || !ignored.every(isWhole))
        throw invalid('restartPolicy', "'ignoredExitCodes' must be a list of whole numbers.");
      if (ignored.length > MAX_IGNORED_EXIT_CODES)
        throw invalid(
          'restartPolicy',
          `'ignoredExitCodes' can list at most ${MAX_IGNORED_EXIT_CODES} exit codes; got ${ignored.length}.`,
        );
    }
  }
  const stopTimeout: unknown = raw.stopTimeout;
  if (
    stopTimeout !== undefined &&
    (!isWhole(stopTimeout) || stopTimeout < 0 || stopTimeout > MAX_STOP_TIMEOUT)
  )
    throw invalid(
      'stopTimeout',
      `The stop timeout must be between 0 and ${MAX_STOP_TIMEOUT} seconds; got ${JSON.stringify(stopTimeout)}.`,
    );
  const health = raw.healthCheck as Record<string, unknown> | undefined;
  if (health !== undefined) {
    const command = health['command'];
    if (!Array.isArray(command) || command.length < 2 || !['CMD', 'CMD-SHELL'].includes(String(command[0])))
      throw invalid(
        'healthCheck',
        "The command must start with 'CMD' or 'CMD-SHELL', followed by the command.",
      );
    for (const [field, [low, high]] of Object.entries(HEALTH_CHECK_RANGES)) {
      const value = health[field];
      if (value !== undefined && (!isWhole(value) || value < low || value > high))
        throw invalid(
          'healthCheck',
          `'${field}' must be between ${low} and ${high}${field === 'retries' ? '' : ' seconds'}; got ${JSON.stringify(value)}.`,
        );
    }
  }
  if (networkMode === 'host' || networkMode === 'awsvpc')
    for (const p of raw.portMappings ?? [])
      if (p.hostPort !== undefined && p.hostPort !== p.containerPort)
        throw fail(
          `When networkMode=${networkMode}, the host ports and container ports in port mappings must match.`,
        );
}

/** Checks a registration the way ECS does, with ECS's own wording where it is known. */
export function validateRegistration(input: Record<string, unknown>): void {
  const family = input['family'];
  if (typeof family !== 'string' || !/^[a-zA-Z0-9_-]{1,255}$/.test(family))
    throw fail(
      `Family contains invalid characters or is too long: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed; got ${JSON.stringify(family)}`,
    );
  for (const key of OUTPUT_ONLY)
    if (key in input)
      throw clientError(
        'InvalidParameterException',
        `Unknown parameter in input: "${key}", must be one of the RegisterTaskDefinition parameters`,
      );
  const containers = input['containerDefinitions'];
  if (!Array.isArray(containers) || containers.length === 0) throw fail('Container list cannot be empty.');
  const volumes = Array.isArray(input['volumes']) ? (input['volumes'] as { name?: unknown }[]) : [];
  const volumeNames = new Set<string>();
  for (const v of volumes) {
    if (typeof v.name !== 'string' || v.name === '') throw fail('Volume name must not be empty.');
    if (volumeNames.has(v.name)) throw fail(`Duplicate volume name "${v.name}".`);
    volumeNames.add(v.name);
  }
  const compat = Array.isArray(input['requiresCompatibilities'])
    ? (input['requiresCompatibilities'] as string[])
    : [];
  const fargate = compat.includes('FARGATE');
  if (fargate && input['networkMode'] !== 'awsvpc')
    throw fail('Fargate only supports network mode \u2018awsvpc\u2019.');
  if (fargate && (input['cpu'] === undefined || input['memory'] === undefined))
    throw fail("Fargate requires that 'cpu' be defined at the task level.");
  const taskMemory = input['memory'] !== undefined ? Number(input['memory']) : undefined;
  const names = new Set<string>();
  for (const raw of containers as ContainerDefinition[]) {
    if (!raw || typeof raw.name !== 'string' || raw.name === '')
      throw fail('Container.name should not be null or empty.');
    if (typeof raw.image !== 'string' || raw.image === '')
      throw fail(`Container.image should not be null or empty. (container ${raw.name})`);
    if (names.has(raw.name))
      throw fail(
        `Duplicate container name "${raw.name}". Container names must be unique within a task definition.`,
      );
    names.add(raw.name);
    if (raw.memory === undefined && raw.memoryReservation === undefined && taskMemory === undefined)
      throw fail(
        `Invalid setting for container '${raw.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`,
      );
    if (raw.memory !== undefined && raw.memoryReservation !== undefined && raw.memoryReservation > raw.memory)
      throw fail(
        `Invalid setting for container '${raw.name}'. 'memoryReservation' must be less than or equal to 'memory'.`,
      );
    if (taskMemory !== undefined && raw.memory !== undefined && raw.memory > taskMemory)
      throw fail(
        `Invalid 'memory' setting for container '${raw.name}'. The container memory (${raw.memory}) must be less than or equal to the task memory (${taskMemory}).`,
      );
    for (const m of raw.mountPoints ?? [])
      if (typeof m.sourceVolume !== 'string' || !volumeNames.has(m.sourceVolume))
        throw fail(
          `Invalid 'sourceVolume' for container '${raw.name}': volume '${String(m.sourceVolume)}' is not declared in the task definition's volumes.`,
        );
    const log = raw.logConfiguration;
    if (log) {
      if (!LOG_DRIVERS.includes(log.logDriver))
        throw fail(
          `Log driver ${String(log.logDriver)} is not supported. Supported drivers: ${LOG_DRIVERS.join(', ')}.`,
        );
      if (fargate && !FARGATE_LOG_DRIVERS.includes(log.logDriver))
        throw fail(
          `Log driver ${log.logDriver} is not supported on Fargate; use awslogs, splunk or awsfirelens.`,
        );
      if (log.logDriver === 'awslogs')
        for (const option of ['awslogs-group', 'awslogs-region'])
          if (!log.options?.[option])
            throw fail(`Log driver awslogs option '${option}' should not be null or empty.`);
    }
    for (const s of raw.secrets ?? [])
      if (!s.name || !s.valueFrom)
        throw fail(`Invalid secret for container '${raw.name}': name and valueFrom are required.`);
    validateContainerRuntime(raw, input['networkMode']);
  }
  const list = containers as ContainerDefinition[];
  if (!list.some((c) => c.essential !== false))
    throw fail('Task definition must have at least one essential container.');
  for (const c of list) {
    for (const d of c.dependsOn ?? []) {
      if (!names.has(d.containerName))
        throw fail(
          `Container '${c.name}' has a dependency on container '${d.containerName}', which is not defined in the task definition.`,
        );
      if (!DEPENDS_ON.includes(d.condition))
        throw fail(
          `Invalid dependency condition '${d.condition}' for container '${c.name}'; expected one of ${DEPENDS_ON.join(', ')}.`,
        );
      const target = list.find((t) => t.name === d.containerName);
      if (d.condition === 'HEALTHY' && !target?.healthCheck)
        throw fail(
          `Container '${c.name}' depends on '${d.containerName}' being HEALTHY, but '${d.containerName}' has no health check.`,
        );
      if ((d.condition === 'SUCCESS' || d.condition === 'COMPLETE') && target?.essential !== false)
        throw fail(
          `Container '${c.name}' depends on '${d.containerName}' with condition ${d.condition}, which requires '${d.containerName}' to be non-essential.`,
        );
    }
    for (const link of c.links ?? []) {
      if (input['networkMode'] === 'awsvpc')
        throw fail(`Links are not supported when networkMode=awsvpc (container '${c.name}').`);
      if (!names.has(link.split(':')[0] ?? ''))
        throw fail(`Container '${c.name}' links to '${link}', which is not defined in the task definition.`);
    }
    for (const v of c.volumesFrom ?? [])
      if (!v.sourceContainer || !names.has(v.sourceContainer))
        throw fail(
          `Container '${c.name}' takes volumes from unknown container '${String(v.sourceContainer)}'.`,
        );
  }
}

/** Task-definition families, revisions and their ACTIVE/INACTIVE status. */
export class TaskDefinitionRegistry {
  private readonly byArn = new Map<string, TaskDefinition>();
  private readonly revisions = new Map<string, number>();

  constructor(
    private readonly arns: Arns,
    private readonly now: () => number,
  ) {}

  register(input: Record<string, unknown>): TaskDefinition {
    validateRegistration(input);
    // Tags are not part of the definition: ECS keeps them on the ARN.
    const body = Object.fromEntries(Object.entries(input).filter(([key]) => key !== 'tags'));
    const family = input['family'] as string;
    const revision = (this.revisions.get(family) ?? 0) + 1;
    this.revisions.set(family, revision);
    const requires = Array.isArray(input['requiresCompatibilities'])
      ? (input['requiresCompatibilities'] as string[])
      : [];
    const td: TaskDefinition = {
      ...(JSON.parse(JSON.stringify(body)) as Record<string, unknown>),
      taskDefinitionArn: this.arns.taskDefinition(family, revision),
      family,
      revision,
      status: 'ACTIVE',
      containerDefinitions: (
        JSON.parse(JSON.stringify(input['containerDefinitions'])) as ContainerDefinition[]
      ).map((c) => ({ essential: true, ...c })),
      compatibilities: requires.includes('FARGATE') ? ['EC2', 'FARGATE'] : ['EC2'],
      registeredAt: this.now(),
    };
    this.byArn.set(td.taskDefinitionArn, td);
    return td;
  }

  /** Resolves "family", "family:revision" or an ARN, as the ECS API does. */
  resolve(ref: string): TaskDefinition {
    const name = ref.startsWith('arn:') ? ref.split('/').slice(1).join('/') : ref;
    const [family, rev] = name.split(':');
    if (!family) throw fail(`Unable to describe task definition: ${ref}`);
    if (rev !== undefined) {
      const td = this.byArn.get(this.arns.taskDefinition(family, Number(rev)));
      if (!td) throw fail('Unable to describe task definition.');
      return td;
    }
    const latest = [...this.byArn.values()]
      .filter((t) => t.family === family && t.status === 'ACTIVE')
      .sort((a, b) => b.revision - a.revision)[0];
    if (!latest) throw fail('Unable to describe task definition.');
    return latest;
  }

  deregister(ref: string): TaskDefinition {
    const td = this.resolve(ref);
    if (!/:\d+$/.test(ref)) throw fail('Invalid revision number. Number: ' + ref);
    td.status = 'INACTIVE';
    td.deregisteredAt = this.now();
    return td;
  }

  list(familyPrefix?: string, status = 'ACTIVE'): string[] {
    return [...this.byArn.values()]
      .filter((t) => t.status === status && (!familyPrefix || t.family.startsWith(familyPrefix)))
      .map((t) => t.taskDefinitionArn);
  }
}

/** What DescribeTaskDefinition returns: the stored definition with registration times as epoch seconds. */
export function describeTaskDefinition(td: TaskDefinition): Record<string, unknown> {
  const { registeredAt, deregisteredAt, ...rest } = td;
  return {
    ...rest,
    registeredAt: registeredAt / 1000,
    ...(deregisteredAt ? { deregisteredAt: deregisteredAt / 1000 } : {}),
    registeredBy: 'arn:aws:iam::000000000000:role/sandbox',
  };
}
