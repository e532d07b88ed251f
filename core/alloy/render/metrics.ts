import type { Plan, ServicePlan } from '../../plan/schema';
import { ampRemoteWriteUrl } from '../../plan/resolve';
import { parseDuration } from '../../plan/duration';
import { keepContainersRule } from './logs';
import { LABELS, TASK_ID_FROM_ARN } from './names';
import { selfMetricBlocks } from './self-metrics';
import { attr, block, raw, type BlockItem, type Item } from './writer';
import {
  DEFAULT_METRICS_PATH,
  DEFAULT_METRICS_PORT,
  DEFAULT_SCRAPE_INTERVAL,
  DEFAULT_SCRAPE_TIMEOUT,
  type AlloyTarget,
  type ScrapeSettings,
} from './target';

/**
 * Scrape targets. In awsvpc and host mode the main container shares the sidecar's network
 * namespace, so 127.0.0.1 reaches it; in bridge mode each container has its own IP, found by
 * docker discovery (same task filter) and relabelled into __address__.
 */
export function metricTargets(
  scrape: ScrapeSettings,
  target: AlloyTarget,
): { items: BlockItem[]; targets: Item } {
  if (target.networkMode !== 'bridge') {
    // instance is set on the target so Prometheus keeps it rather than defaulting it to
    // __address__: the series keep the instance ADOT gave them (see scrapeBlock).
    const address = { __address__: `127.0.0.1:${scrape.port}` };
    return {
      items: [],
      targets: attr('targets', [
        scrape.instance === null ? address : { ...address, instance: scrape.instance },
      ]),
    };
  }
  const instanceRule =
    scrape.instance === null
      ? []
      : [block('rule', undefined, [attr('target_label', 'instance'), attr('replacement', scrape.instance)])];
  const relabel = block(
    'discovery.relabel',
    LABELS.metrics,
    [
      attr('targets', raw(`discovery.docker.${LABELS.task}.targets`)),
      keepContainersRule(target.mainContainers),
      block('rule', undefined, [
        attr('source_labels', ['__meta_docker_network_ip']),
        attr('regex', '(.+)'),
        attr('target_label', '__address__'),
        attr('replacement', `$1:${scrape.port}`),
      ]),
      ...instanceRule,
    ],
    ['Bridge mode: the main container has its own IP on the docker network.'],
  );
  return { items: [relabel], targets: attr('targets', raw(`discovery.relabel.${LABELS.metrics}.output`)) };
}

/** The service's scrape as the plan alone gives it (no collector config known). */
export function scrapeSettingsFromPlan(service: ServicePlan): ScrapeSettings {
  const interval = service.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL;
  return {
    port: service.metricsPort ?? DEFAULT_METRICS_PORT,
    path: service.metricsPath ?? DEFAULT_METRICS_PATH,
    jobName: service.jobName ?? service.name,
    interval,
    timeout: service.scrapeTimeout ?? shorter(DEFAULT_SCRAPE_TIMEOUT, interval),
    instance: null,
  };
}

/** The shorter of two valid durations (a timeout may not exceed its interval). */
export function shorter(a: string, b: string): string {
  return (parseDuration(a) ?? 0) <= (parseDuration(b) ?? 0) ? a : b;
}

/**
 * What ADOT put on a series in AMP, established from opentelemetry-collector-contrib:
 * receiver/prometheusreceiver/internal/prom_to_otlp.go (CreateResource: service.name = the
 * job_name, service.instance.id = the target address as written, server.port, url.scheme, and
 * server.address unless the host is localhost/loopback/0.0.0.0) and
 * pkg/translator/prometheusremotewrite/helper.go (createAttributes: job = service.namespace/
 * service.name or service.name, instance = service.instance.id; addResourceTargetInfo: the other
 * resource attributes go on a target_info series). So job and instance are carried here;
 * the scrape metrics (up, scrape_duration_seconds...) get them from prometheus.scrape as well.
 */
function scrapeBlock(scrape: ScrapeSettings, targets: Item): BlockItem {
  return block('prometheus.scrape', LABELS.metrics, [
    targets,
    attr('metrics_path', scrape.path),
    attr('job_name', scrape.jobName),
    attr('scrape_interval', scrape.interval),
    attr('scrape_timeout', scrape.timeout),
    attr('forward_to', [raw(`prometheus.relabel.${LABELS.metrics}.receiver`)]),
  ]);
}

export function metricBlocks(
  plan: Plan,
  service: ServicePlan,
  target: AlloyTarget,
  taskArn: string,
): BlockItem[] {
  const settings = target.scrape ?? scrapeSettingsFromPlan(service);
  const { items, targets } = metricTargets(settings, target);
  const scrape = scrapeBlock(settings, targets);
  const relabel = block(
    'prometheus.relabel',
    LABELS.metrics,
    [
      attr('forward_to', [raw(`prometheus.remote_write.${LABELS.amp}.receiver`)]),
      block('rule', undefined, [attr('target_label', 'service_name'), attr('replacement', service.name)]),
      block('rule', undefined, [attr('target_label', 'task_id'), attr('replacement', raw(taskArn))]),
      block('rule', undefined, [
        attr('source_labels', ['task_id']),
        attr('regex', TASK_ID_FROM_ARN),
        attr('target_label', 'task_id'),
      ]),
    ],
    ['Keeps every label the application exports and adds service_name and task_id.'],
  );
  const remoteWrite = block(
    'prometheus.remote_write',
    LABELS.amp,
    [
      block('endpoint', undefined, [
        attr('url', ampRemoteWriteUrl(plan)),
        block('sigv4', undefined, [attr('region', plan.region)]),
      ]),
    ],
    ['SigV4-signed with the task role; AMP needs aps:RemoteWrite on the workspace.'],
  );
  return [...items, scrape, ...selfMetricBlocks(settings), relabel, remoteWrite];
}
