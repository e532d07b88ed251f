import type { Plan } from '../plan/schema';
import { dockerProxyImage } from '../plan/resolve';
import type { ContainerDefinition } from './types';
import { ALLOY_PROXY_CONTAINER, PATHS, RECORD_LABELS, ROLE, VOLUMES } from './names';
import { restartPolicy } from './sidecar-lifecycle';

/**
 * The socket-proxy sidecar of `alloy.dockerAccess: proxy` (wollomatic/socket-proxy, a static Go
 * binary in a `FROM scratch` image). A read-only bind mount of /var/run/docker.sock does not stop
 * API calls: whoever can open the socket can start privileged containers. The proxy opens the
 * real socket and serves a filtered one in a task volume, answering only the GET/HEAD paths below
 * (anchored regexps matched against the URL path: cmd/socket-proxy/handlehttprequest.go and
 * internal/config/config.go, `regexp.Compile("^" + regex + "$")`); everything else gets 403/405.
 * Flags from its README: -socketpath, -proxysocketendpoint (a unix socket instead of TCP, so no
 * port is bound in host network mode), -allowGET/-allowHEAD, -watchdoginterval/-stoponwatchdog.
 */

/** Sized like the init container: the proxy is a few MiB of Go relaying a handful of requests. */
export const DOCKER_PROXY_SIZE = { cpu: 16, memory: 32 } as const;

/** `/v1.47/containers/json` or `/containers/json`: docker clients prefix the API version. */
const VERSION = '(/v[0-9.]+)?';
const CONTAINER_ID = '[a-zA-Z0-9_.-]+';

/**
 * What Alloy calls, by component (grafana/alloy v1.18.1):
 * - discovery.docker (Prometheus docker SD): container list and network list; the docker client
 *   negotiates the API version with /_ping and /version.
 * - loki.source.docker (internal/component/loki/source/docker/tailer.go): ContainerInspect (to
 *   learn whether the container has a TTY) and ContainerLogs. Inspect returns the container's
 *   environment, secrets ECS injected included: the residual risk of the docker-api log source,
 *   which file-tail (reading json-file logs from disk) does not carry.
 */
export function allowedPaths(logSource: Plan['alloy']['logSource']): string[] {
  const discovery = `${VERSION}/(_ping|version|containers/json|networks|networks/${CONTAINER_ID})`;
  return logSource === 'docker-api'
    ? [discovery, `${VERSION}/containers/${CONTAINER_ID}/(json|logs)`]
    : [discovery];
}

export function dockerProxyContainer(plan: Plan): ContainerDefinition {
  const allow = allowedPaths(plan.alloy.logSource);
  return {
    name: ALLOY_PROXY_CONTAINER,
    image: dockerProxyImage(plan),
    essential: false,
    cpu: DOCKER_PROXY_SIZE.cpu,
    memory: DOCKER_PROXY_SIZE.memory,
    user: plan.alloy.dockerProxyUser,
    readonlyRootFilesystem: true,
    command: [
      `-socketpath=${PATHS.dockerSocket}`,
      `-proxysocketendpoint=${PATHS.proxySocket}`,
      ...allow.map((p) => `-allowGET=${p}`),
      `-allowHEAD=${VERSION}/_ping`,
      // A docker daemon restart breaks the proxy's connection: exit so ECS restarts it.
      '-watchdoginterval=60',
      '-stoponwatchdog',
    ],
    mountPoints: [
      { sourceVolume: VOLUMES.dockerSocket, containerPath: PATHS.dockerSocket, readOnly: true },
      { sourceVolume: VOLUMES.proxySocket, containerPath: PATHS.proxySocketDir, readOnly: false },
    ],
    restartPolicy: restartPolicy(),
    linuxParameters: { capabilities: { drop: ['ALL'] } },
    dockerLabels: { [RECORD_LABELS.role]: ROLE.proxy },
  };
}
