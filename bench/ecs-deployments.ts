/** ECS deployments as the sandbox's service event log tells them (what `DescribeServices` events show). */
export interface DeploymentRecord {
  readonly service: string;
  readonly id: string;
  readonly taskDefinitionArn: string;
  readonly startedMs: number;
  readonly endedMs?: number;
  readonly outcome: 'completed' | 'failed' | 'in-progress';
}

const STARTED = /has started deployment (\S+) with task definition (\S+?)\.?$/;
const COMPLETED = /deployment (\S+) has completed\.$/;
const FAILED = /deployment (\S+) deployment failed/;

/** Reads deployments from one service's events (any order; the sandbox lists them newest first). */
export function deploymentsFromEvents(
  service: string,
  events: readonly { createdAt: number; message: string }[],
): DeploymentRecord[] {
  const byId = new Map<
    string,
    { taskDefinitionArn: string; startedMs: number; endedMs?: number; outcome: DeploymentRecord['outcome'] }
  >();
  const ordered = [...events].sort((a, b) => a.createdAt - b.createdAt);
  for (const e of ordered) {
    const started = STARTED.exec(e.message);
    if (started) {
      byId.set(started[1] as string, {
        taskDefinitionArn: started[2] as string,
        startedMs: e.createdAt,
        outcome: 'in-progress',
      });
      continue;
    }
    const ended = COMPLETED.exec(e.message) ?? FAILED.exec(e.message);
    const record = ended ? byId.get(ended[1] as string) : undefined;
    if (ended && record && record.outcome === 'in-progress') {
      record.endedMs = e.createdAt;
      record.outcome = COMPLETED.test(e.message) ? 'completed' : 'failed';
    }
  }
  return [...byId].map(([id, r]) => ({ service, id, ...r }));
}
