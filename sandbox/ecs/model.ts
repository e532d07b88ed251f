import { randomBytes } from 'node:crypto';

/** A registered task definition as DescribeTaskDefinition returns it (plus the raw registration). */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential?: boolean;
  readonly cpu?: number;
  readonly memory?: number;
  readonly memoryReservation?: number;
  readonly links?: readonly string[];
  readonly mountPoints?: readonly { sourceVolume?: string; containerPath?: string; readOnly?: boolean }[];
  readonly volumesFrom?: readonly { sourceContainer?: string }[];
  readonly dependsOn?: readonly { containerName: string; condition: string }[];
  readonly logConfiguration?: {
    logDriver: string;
    options?: Record<string, string>;
    secretOptions?: readonly unknown[];
  };
  readonly secrets?: readonly { name: string; valueFrom: string }[];
  readonly environment?: readonly { name?: string; value?: string }[];
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly healthCheck?: {
    command: readonly string[];
    interval?: number;
    timeout?: number;
    retries?: number;
    startPeriod?: number;
  };
  /** Seconds ECS waits after SIGTERM before SIGKILL (the agent's 30 s when absent). */
  readonly stopTimeout?: number;
  readonly restartPolicy?: {
    enabled: boolean;
    ignoredExitCodes?: readonly number[];
    restartAttemptPeriod?: number;
  };
  readonly portMappings?: readonly {
    containerPort?: number;
    hostPort?: number;
    protocol?: string;
    name?: string;
  }[];
  readonly [key: string]: unknown;
}

export interface TaskDefinition {
  readonly taskDefinitionArn: string;
  readonly family: string;
  readonly revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  readonly containerDefinitions: readonly ContainerDefinition[];
  readonly volumes?: readonly { name: string; host?: { sourcePath?: string }; [key: string]: unknown }[];
  readonly networkMode?: string;
  readonly requiresCompatibilities?: readonly string[];
  readonly compatibilities: readonly string[];
  readonly cpu?: string;
  readonly memory?: string;
  readonly registeredAt: number;
  deregisteredAt?: number;
  readonly [key: string]: unknown;
}

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED';

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED';
  exitCode?: number;
  reason?: string;
  /** When it last started (simulated ms): the restart policy's period counts from here. Not in the API. */
  startedAt?: number;
}

export interface Task {
  readonly taskArn: string;
  readonly id: string;
  readonly clusterName: string;
  readonly taskDefinitionArn: string;
  readonly serviceName?: string;
  readonly deploymentId?: string;
  readonly containerInstanceArn: string;
  readonly containers: Container[];
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  readonly createdAt: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: 'TaskFailedToStart' | 'EssentialContainerExited' | 'UserInitiated' | 'ServiceSchedulerInitiated';
  readonly cpu: number;
  readonly memory: number;
}

export interface Deployment {
  readonly id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  readonly taskDefinitionArn: string;
  desiredCount: number;
  failedTasks: number;
  readonly createdAt: number;
  updatedAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
}

export interface DeploymentConfiguration {
  minimumHealthyPercent: number;
  maximumPercent: number;
  deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
}

export interface Service {
  readonly serviceArn: string;
  readonly serviceName: string;
  readonly clusterName: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinitionArn: string;
  deploymentConfiguration: DeploymentConfiguration;
  readonly launchType: 'EC2' | 'FARGATE';
  readonly networkConfiguration?: unknown;
  deployments: Deployment[];
  readonly events: { id: string; createdAt: number; message: string }[];
  readonly createdAt: number;
}

export interface ContainerInstance {
  readonly arn: string;
  readonly ec2InstanceId: string;
  readonly cpu: number;
  readonly memory: number;
  readonly architecture: 'x86_64' | 'arm64';
}

export interface Cluster {
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly instances: ContainerInstance[];
  readonly services: Map<string, Service>;
}

export function hexId(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

/** ECS deployment ids look like "ecs-svc/" and 19 digits. */
export function deploymentId(): string {
  const digits = BigInt(`0x${hexId(8)}`)
    .toString()
    .padStart(19, '0')
    .slice(-19);
  return `ecs-svc/${digits}`;
}

export class Arns {
  constructor(
    readonly region: string,
    readonly account: string,
  ) {}
  cluster(name: string) {
    return `arn:aws:ecs:${this.region}:${this.account}:cluster/${name}`;
  }
  service(cluster: string, name: string) {
    return `arn:aws:ecs:${this.region}:${this.account}:service/${cluster}/${name}`;
  }
  taskDefinition(family: string, revision: number) {
    return `arn:aws:ecs:${this.region}:${this.account}:task-definition/${family}:${revision}`;
  }
  task(cluster: string, id: string) {
    return `arn:aws:ecs:${this.region}:${this.account}:task/${cluster}/${id}`;
  }
  containerInstance(cluster: string, id: string) {
    return `arn:aws:ecs:${this.region}:${this.account}:container-instance/${cluster}/${id}`;
  }
  /** The trailing name of an ARN, or the value itself when it is a plain name. */
  static lastSegment(value: string): string {
    return value.startsWith('arn:') ? (value.split('/').at(-1) ?? value) : value;
  }
}
