import { describeAlloyConfig } from '../../core/alloy';

/**
 * What a simulated Alloy sidecar does, read from its rendered config: a config that forgets
 * `task_id` yields streams without it, exactly as the real sidecar would.
 */
export interface AlloyShipping {
  /** False when the config ships no logs at all. */
  readonly shipsLogs: boolean;
  readonly staticLabels: Readonly<Record<string, string>>;
  readonly mapsContainerName: boolean;
  readonly mapsTaskId: boolean;
  /** `level` extracted from JSON lines and promoted to a label. */
  readonly mapsLevel: boolean;
  readonly tenant?: string;
  /** Containers a keep rule limits collection to; undefined = every container of the task. */
  readonly containers?: readonly string[];
  /** Remote-written metrics: fixed labels, and whether task_id is added. Undefined = none. */
  readonly metrics?: {
    readonly staticLabels: Readonly<Record<string, string>>;
    readonly taskIdMapped: boolean;
  };
}

export function readAlloyShipping(config: string): AlloyShipping {
  const summary = describeAlloyConfig(config);
  const { logs, metrics } = summary;
  return {
    shipsLogs: logs.source !== null && logs.pushUrl !== null,
    staticLabels: logs.staticLabels,
    mapsContainerName: logs.mapped.containerName,
    mapsTaskId: logs.mapped.taskId,
    mapsLevel: logs.mapped.level,
    ...(logs.tenantId ? { tenant: logs.tenantId } : {}),
    ...(logs.containers ? { containers: logs.containers } : {}),
    ...(metrics.remoteWriteUrl
      ? { metrics: { staticLabels: metrics.staticLabels, taskIdMapped: metrics.taskIdMapped } }
      : {}),
  };
}
