/**
 * Names the migration adds to a task definition. They are fixed so that a migrated definition is
 * recognisable (already-migrated detection, revert) and so clashes with existing names can be
 * refused up front.
 */
export const ALLOY_CONTAINER = 'alloy';
export const ALLOY_INIT_CONTAINER = 'alloy-init';
/** The socket-proxy sidecar of `alloy.dockerAccess: proxy`. */
export const ALLOY_PROXY_CONTAINER = 'alloy-docker-proxy';

export const VOLUMES = {
  /** Task-scoped volume the init container writes the config into and Alloy reads it from. */
  config: 'alloy-config',
  /** Host docker socket: discovery (and, for docker-api, the log source). */
  dockerSocket: 'alloy-docker-socket',
  /** Host json-file log directory, tailed by Alloy when plan.alloy.logSource is file-tail. */
  dockerContainers: 'alloy-docker-containers',
  /** Alloy's storage path (file-tail positions, WAL), kept across sidecar restarts within a task. */
  data: 'alloy-data',
  /** Task-scoped directory holding the proxy's filtered socket (dockerAccess: proxy). */
  proxySocket: 'alloy-docker-api',
} as const;

export const PATHS = {
  configDir: '/etc/alloy',
  configFile: '/etc/alloy/config.alloy',
  storage: '/var/lib/alloy/data',
  storageVolume: '/var/lib/alloy',
  dockerSocket: '/var/run/docker.sock',
  dockerContainers: '/var/lib/docker/containers',
  proxySocketDir: '/var/run/alloy-docker',
  proxySocket: '/var/run/alloy-docker/docker.sock',
} as const;

/** Tag key on migrated revisions holding the baseline (ADOT + awslogs) task definition ARN. */
export const BASELINE_TAG = 'alloy-rollout:baseline';

/**
 * Docker labels on the Alloy sidecar recording what revert needs beyond the baseline itself.
 * Docker labels take any string, unlike ECS tags, so lists and "a->b" values fit.
 */
export const RECORD_LABELS = {
  role: 'alloy-rollout.role',
  adotContainer: 'alloy-rollout.adot-container',
  mainContainers: 'alloy-rollout.main-containers',
  /** "<before>-><after>" when task cpu/memory were grown; absent otherwise. */
  resizedCpu: 'alloy-rollout.resized-cpu',
  resizedMemory: 'alloy-rollout.resized-memory',
} as const;

export const ROLE = { sidecar: 'alloy-sidecar', init: 'alloy-init', proxy: 'alloy-docker-proxy' } as const;

/** Environment variable the init container receives the config in (an ECS secret from SSM). */
export const CONFIG_ENV = 'ALLOY_CONFIG';

/**
 * Alloy's HTTP server listens on loopback: its health check runs inside its own container, and
 * nothing outside the task needs its UI or API (the orchestrator reads Loki and AMP instead).
 */
export function alloyListenAddress(port: number): string {
  return `127.0.0.1:${port}`;
}

/** Seconds the sidecar's wrapper keeps Alloy running after SIGTERM (the drain). */
export const DRAIN_ENV = 'ALLOY_DRAIN_SECONDS';
