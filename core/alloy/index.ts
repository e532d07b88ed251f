/**
 * Grafana Alloy sidecar configs: render one per service, parse and validate any config against a
 * component table copied from the Alloy v1.18.1 reference, and summarise a config for the sandbox.
 *
 * Conventions the rendered config relies on (the task-definition transform provides them):
 * - the docker socket at /var/run/docker.sock and, for file-tail, /var/lib/docker/containers
 *   mounted read-only, and --storage.path on a volume (log positions);
 * - ECS_CONTAINER_METADATA_URI_V4, set by ECS in every container, for this task's ARN;
 * - Loki credentials from plan.loki.authSecretArn as the variables LOKI_USERNAME/LOKI_PASSWORD
 *   (basic, the default) or LOKI_BEARER_TOKEN (plan.loki.authType "bearer"), listed in `secrets`;
 * - the HTTP listen address is a command-line flag of the task definition, not part of the config.
 */
export { renderServiceAlloyConfig, type AlloyTarget, type RenderedAlloy } from './render';
export { scrapeSettingsFromPlan, shorter } from './render/metrics';
export {
  DEFAULT_METRICS_PATH,
  DEFAULT_METRICS_PORT,
  DEFAULT_SCRAPE_INTERVAL,
  DEFAULT_SCRAPE_TIMEOUT,
  type ScrapeSettings,
} from './render/target';
export { describeAlloyConfig, type AlloyConfigSummary } from './describe';
export {
  validateAlloy,
  SCHEMA_ALLOY_VERSION,
  type Diagnostic,
  type ValidationResult,
  type ValidateOptions,
} from './validate';
export { parseAlloy, AlloySyntaxError } from './syntax/parser';
export { LOKI_ENV } from './render/names';
export type * from './syntax/ast';
