/** A real Prometheus (Debian package) run on loopback as the sandbox's Amazon Managed Prometheus. */
export { startPrometheus, PROMETHEUS_BINARY } from './start';
export type { PrometheusHandle, StartPrometheusOptions } from './start';
export { checkTargets, renderPrometheusConfig, COLLECTOR_JOB, SCRAPE_JOB } from './config';
export type { ScrapeTarget } from './config';
export { findFreePort } from './free-port';
