import type { ContainerDefinition } from './types';
import { DRAIN_ENV } from './names';

/**
 * How the Alloy sidecar lives through a task's life: restarted when it exits, checked for health,
 * and stopped last. Facts relied on, from the grafana/alloy image and ECS:
 * - The image is Ubuntu noble with /bin/bash and /bin/alloy as its entrypoint, and no curl or
 *   wget (grafana/alloy v1.18.1 Dockerfile: `FROM public.ecr.aws/ubuntu/ubuntu:noble`, packages
 *   ca-certificates, libsystemd0, tzdata only), so the health check uses bash's /dev/tcp.
 * - `/-/healthy` answers 200 only when no component is unhealthy
 *   (internal/service/http/http.go in v1.18.1).
 * - ECS restarts a container under a restartPolicy only if it ran restartAttemptPeriod seconds
 *   (60 at least) before exiting (API_ContainerRestartPolicy), so an exit at start-up (a config
 *   load that fails on one metadata call) is retried by the wrapper itself.
 * - At task stop ECS sends SIGTERM to every container at once unless dependsOn orders them, and
 *   kills a container stopTimeout seconds later (at most 120 on EC2).
 */

/** ECS's default stop timeout, which a main container without stopTimeout gets. */
export const ECS_DEFAULT_STOP_TIMEOUT_S = 30;
/** Time Alloy gets after the drain to push its last batch before ECS kills it. */
export const FLUSH_MARGIN_S = 10;
const MAX_STOP_TIMEOUT_S = 120;
export const MAX_DRAIN_S = MAX_STOP_TIMEOUT_S - FLUSH_MARGIN_S;

/** The ECS minimum: a restart is possible once the sidecar has run a minute. */
export const RESTART_ATTEMPT_PERIOD_S = 60;

/** Start-up exits retried by the wrapper before it gives up, and the pause between tries. */
const EARLY_EXIT_TRIES = 5;
const EARLY_EXIT_PAUSE_S = 5;

/**
 * The sidecar's entrypoint: bash runs Alloy with the container's command as arguments.
 * - On SIGTERM it lets Alloy run DRAIN seconds more (the main containers got SIGTERM at the same
 *   moment; their last lines, a shutdown message or a stack trace, are still being read), then
 *   stops Alloy, which pushes what it holds.
 * - An exit within the restart period is retried here a few times (ECS would not restart it);
 *   a later exit ends the container, and ECS's restart policy brings it back.
 */
export const WRAPPER_SCRIPT = [
  'tries=0',
  'while :; do',
  '  started=$SECONDS',
  '  /bin/alloy "$@" & pid=$!',
  `  trap 'sleep "\${${DRAIN_ENV}:-0}"; kill -TERM "$pid"; wait "$pid"; exit $?' TERM`,
  '  wait "$pid"; rc=$?',
  `  if [ "$rc" -ne 0 ] && [ $((SECONDS - started)) -lt ${RESTART_ATTEMPT_PERIOD_S} ] && [ "$tries" -lt ${EARLY_EXIT_TRIES} ]; then`,
  `    tries=$((tries + 1)); sleep ${EARLY_EXIT_PAUSE_S}; continue`,
  '  fi',
  '  exit "$rc"',
  'done',
].join('\n');

/** `bash -c SCRIPT alloy <command...>`: the command's words become "$@". */
export function wrapperEntryPoint(): string[] {
  return ['/bin/bash', '-c', WRAPPER_SCRIPT, 'alloy'];
}

export function restartPolicy(): NonNullable<ContainerDefinition['restartPolicy']> {
  return { enabled: true, restartAttemptPeriod: RESTART_ATTEMPT_PERIOD_S };
}

/** A plain HTTP/1.0 GET of /-/healthy over bash's /dev/tcp; healthy on status 200 only. */
export function healthCheck(port: number): NonNullable<ContainerDefinition['healthCheck']> {
  const probe = [
    `exec 3<>/dev/tcp/127.0.0.1/${port}`,
    `printf 'GET /-/healthy HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3`,
    'read -r _ code _ <&3',
    '[ "$code" = 200 ]',
  ].join(' && ');
  return {
    command: ['CMD', '/bin/bash', '-c', probe],
    interval: 30,
    timeout: 5,
    retries: 3,
    startPeriod: 60,
  };
}

export interface Drain {
  /** Seconds Alloy keeps shipping after SIGTERM. */
  readonly seconds: number;
  /** Alloy's stopTimeout: the drain plus the flush margin. */
  readonly stopTimeout: number;
  /** Where the figure comes from, for the render's warnings and the README. */
  readonly source: string;
}

/**
 * The drain outlasts every main container's own stop: the longest stopTimeout among them (ECS's
 * 30 s for one that sets none), or the plan's figure. Capped so Alloy's stopTimeout stays within
 * ECS's 120 s.
 */
export function drainFor(main: readonly ContainerDefinition[], planDrainMs: number | undefined): Drain {
  if (planDrainMs !== undefined) {
    const seconds = Math.ceil(planDrainMs / 1000);
    return { seconds, stopTimeout: seconds + FLUSH_MARGIN_S, source: 'alloy.drain' };
  }
  const longest = Math.max(
    ...main.map((c) => (typeof c.stopTimeout === 'number' ? c.stopTimeout : ECS_DEFAULT_STOP_TIMEOUT_S)),
  );
  const seconds = Math.min(longest, MAX_DRAIN_S);
  const source =
    longest > MAX_DRAIN_S
      ? `capped at ${MAX_DRAIN_S}s: a main container's stopTimeout is ${longest}s`
      : `the longest main container stop timeout`;
  return { seconds, stopTimeout: seconds + FLUSH_MARGIN_S, source };
}
