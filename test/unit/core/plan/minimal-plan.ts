/** The smallest plan document the schema accepts: one phase of one service, every default left to apply. */
export function minimalPlan(): Record<string, unknown> {
  return {
    cluster: 'c1',
    region: 'eu-west-1',
    loki: { url: 'http://loki:3100' },
    amp: { workspaceId: 'ws-abc' },
    phases: [{ name: 'p1', services: [{ name: 's1', ecsService: 'svc-1' }] }],
  };
}
