import type { Plan, ServicePlan } from '../../plan/schema';
import { ampRemoteWriteUrl } from '../../plan/resolve';
import { keepContainersRule } from './logs';
import { LABELS, TASK_ID_FROM_ARN } from './names';
import { attr, block, raw, type BlockItem, type Item } from './writer';
import type { AlloyTarget } from './target';

/**
 * Scrape targets. In awsvpc and host mode the main container shares the sidecar's network
 * namespace, so 127.0.0.1 reaches it; in bridge mode each container has its own IP, found by
 * docker discovery (same task filter) and relabelled into __address__.
 */
export function metricTargets(
  service: ServicePlan,
  target: AlloyTarget,
): { items: BlockItem[]; targets: Item } {
  if (target.networkMode !== 'bridge') {
    return { items: [], targets: attr('targets', [{ __address__: `127.0.0.1:${service.metricsPort}` }]) };
  }
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
        attr('replacement', `$1:${service.metricsPort}`),
      ]),
    ],
    ['Bridge mode: the main container has its own IP on the docker network.'],
  );
  return { items: [relabel], targets: attr('targets', raw(`discovery.relabel.${LABELS.metrics}.output`)) };
}

export function metricBlocks(
  plan: Plan,
  service: ServicePlan,
  target: AlloyTarget,
  taskArn: string,
): BlockItem[] {
  const { items, targets } = metricTargets(service, target);
  const scrape = block('prometheus.scrape', LABELS.metrics, [
    targets,
    attr('metrics_path', service.metricsPath),
    attr('job_name', service.name),
    attr('forward_to', [raw(`prometheus.relabel.${LABELS.metrics}.receiver`)]),
  ]);
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
  return [...items, scrape, relabel, remoteWrite];
}
