/**
 * Task-definition shapes owned by core (core imports no AWS SDK). The fields the transform reads
 * or writes are typed; everything else rides along through the index signatures untouched, so a
 * field ECS adds tomorrow survives a migrate/revert round trip byte for byte.
 */

export interface KeyValuePair {
  name?: string;
  value?: string;
  [key: string]: unknown;
}

export interface Secret {
  name: string;
  valueFrom: string;
  [key: string]: unknown;
}

export interface ContainerDependency {
  containerName: string;
  condition: string;
  [key: string]: unknown;
}

export interface LogConfiguration {
  logDriver: string;
  options?: Record<string, string>;
  secretOptions?: Secret[];
  [key: string]: unknown;
}

export interface MountPoint {
  sourceVolume?: string;
  containerPath?: string;
  readOnly?: boolean;
  [key: string]: unknown;
}

export interface PortMapping {
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
  name?: string;
  [key: string]: unknown;
}

export interface ContainerDefinition {
  name: string;
  image?: string;
  essential?: boolean;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  links?: string[];
  dependsOn?: ContainerDependency[];
  environment?: KeyValuePair[];
  secrets?: Secret[];
  logConfiguration?: LogConfiguration;
  mountPoints?: MountPoint[];
  portMappings?: PortMapping[];
  entryPoint?: string[];
  command?: string[];
  dockerLabels?: Record<string, string>;
  restartPolicy?: ContainerRestartPolicy;
  healthCheck?: HealthCheck;
  /** Seconds ECS waits after SIGTERM before it kills the container (ECS default 30, EC2 max 120). */
  stopTimeout?: number;
  user?: string;
  readonlyRootFilesystem?: boolean;
  [key: string]: unknown;
}

export interface ContainerRestartPolicy {
  enabled: boolean;
  ignoredExitCodes?: number[];
  restartAttemptPeriod?: number;
  [key: string]: unknown;
}

export interface HealthCheck {
  command: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
  [key: string]: unknown;
}

export interface Volume {
  name?: string;
  host?: { sourcePath?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Tag {
  key?: string;
  value?: string;
  [key: string]: unknown;
}

/** The RegisterTaskDefinition input shape. */
export interface TaskDefinitionInput {
  family: string;
  containerDefinitions: ContainerDefinition[];
  taskRoleArn?: string;
  executionRoleArn?: string;
  networkMode?: string;
  requiresCompatibilities?: string[];
  /** Task-level CPU units / MiB; ECS keeps them as strings ("1024", also "1 vCPU", "2 GB"). */
  cpu?: string;
  memory?: string;
  volumes?: Volume[];
  tags?: Tag[];
  [key: string]: unknown;
}

/** The task definition inside a DescribeTaskDefinition response, with its read-only fields. */
export interface DescribedTaskDefinitionBody extends TaskDefinitionInput {
  taskDefinitionArn?: string;
  revision?: number;
  status?: string;
  requiresAttributes?: unknown[];
  compatibilities?: string[];
  registeredAt?: unknown;
  registeredBy?: string;
  deregisteredAt?: unknown;
}

/** The DescribeTaskDefinition response shape (`include: ['TAGS']` puts the tags beside it). */
export interface DescribedTaskDefinition {
  taskDefinition: DescribedTaskDefinitionBody;
  tags?: Tag[];
  [key: string]: unknown;
}

export type AnyTaskDefinition = DescribedTaskDefinition | TaskDefinitionInput;

/** Task-level cpu/memory accounting of a migration (CPU units and MiB). */
export interface ResourceBudget {
  /** Task-level limits before the migration; null when the definition sets none. */
  readonly taskBefore: { readonly cpu: number | null; readonly memory: number | null };
  /** Task-level limits after the migration (differ from taskBefore only when resized). */
  readonly taskAfter: { readonly cpu: number | null; readonly memory: number | null };
  /** Sum of container reservations before and after (memory counts `memory`, else `memoryReservation`). */
  readonly containersBefore: { readonly cpu: number; readonly memory: number };
  readonly containersAfter: { readonly cpu: number; readonly memory: number };
  /** What removing the ADOT container freed, and what the two new containers take. */
  readonly freed: { readonly cpu: number; readonly memory: number };
  readonly alloy: { readonly cpu: number; readonly memory: number };
  readonly init: { readonly cpu: number; readonly memory: number };
  readonly resized: boolean;
}
