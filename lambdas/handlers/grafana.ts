import { now } from '../clock';
import * as z from 'zod';
import { InputInvalidError } from '../../core/errors';
import { grafanaClientFor } from '../adapters/grafana-client';
import { parseEvent, taskEventSchema } from '../event';
import { canaryStateSchema, grafanaStateSchema, pollGrafanaCheckpoint } from '../grafana-checkpoint';
import { dashboardsStateSchema, pollGrafanaDashboards } from '../grafana-dashboards';
import { loadPlan, planField } from '../shared';
import { instrumented } from '../observability/instrumented';

const eventSchema = taskEventSchema(
  ['checkpoint', 'dashboards'],
  z.looseObject({
    plan: planField,
    loki: z.looseObject({ canary: canaryStateSchema.optional() }).optional(),
    grafana: grafanaStateSchema.optional(),
    grafanaDashboards: dashboardsStateSchema.optional(),
  }),
).extend({
  /** `dashboards`: the services to judge as migrated (their panel queries must return data). */
  services: z.array(z.string().min(1)).optional(),
});

/**
 * `checkpoint` (after the Loki step, result at `$.grafana`): the Loki datasource and the canary
 * through Grafana. `dashboards` (after the last phase, result at `$.grafanaDashboards`): the
 * plan's dashboards' queries for `services` return data. Both are polled until passed or failed.
 */
async function handleGrafana(event: unknown) {
  const { action, state, services } = parseEvent(eventSchema, event, 'Grafana');
  const plan = loadPlan(state.plan);
  const client = await grafanaClientFor(plan);
  if (action === 'checkpoint')
    return pollGrafanaCheckpoint({ plan, prior: state.grafana, canary: state.loki?.canary, client, now });
  if (!services)
    throw new InputInvalidError(
      'Grafana: bad event: services is missing; expected the names of the services to judge as migrated',
    );
  return pollGrafanaDashboards({
    plan,
    services,
    prior: state.grafanaDashboards,
    client,
    now,
  });
}

/** The Lambda entry point: the handler above, with its decisions logged and traced. */
export const handler = instrumented('Grafana', handleGrafana);
