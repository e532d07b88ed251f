import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as audit } from '../../../../lambdas/handlers/audit';
import { HISTORY_TD, describedHistory, event, historyItem } from '../fixtures';
import { carried, serveFetch, useClock, useExampleCredentials, type SeenRequest } from './support';

const ecs = mockClient(ECSClient);
const T0 = Date.parse('2026-12-03T12:00:00Z');
/** What terraform registered after the migration: history's ADOT definition again, as revision 14. */
const REVERTED_TD = HISTORY_TD.replace(/:7$/, ':14');

let requests: SeenRequest[];

beforeEach(() => {
  ecs.reset();
  useExampleCredentials();
  useClock(T0);
  requests = serveFetch(() => undefined);
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      { serviceName: 'temporal-dev-temporal-history', status: 'ACTIVE', taskDefinition: REVERTED_TD },
    ],
  });
  const reverted = describedHistory();
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: { ...reverted.taskDefinition, taskDefinitionArn: REVERTED_TD, revision: 14 } as never,
    tags: [],
  });
});
afterEach(() => jest.restoreAllMocks());

describe('Audit', () => {
  it('fails a service running ADOT again at the first poll, naming it and the revision, without measuring it', async () => {
    const out = await audit(event('audit', { preflight: { work: [historyItem] } }));

    expect(out.verdict).toBe('failed');
    expect(out.cause).toMatchObject({ service: 'history', check: 'drift' });
    expect(out.cause?.message).toContain(
      'history runs ADOT again: task definition :14 registered by something other than alloy-rollout',
    );
    expect(JSON.parse(out.causeText ?? '{}')).toMatchObject({ service: 'history', check: 'drift' });
    expect(out.state.services).toEqual([
      expect.objectContaining({
        name: 'history',
        verdict: 'failed',
        taskDefinitionArn: REVERTED_TD,
        collector: 'adot',
      }),
    ]);
    // Drift is the whole answer: no task listed, nothing asked of Loki or AMP.
    expect(ecs.commandCalls(ListTasksCommand)).toHaveLength(0);
    expect(requests).toEqual([]);
  });

  it('is read-only, and does not read a service again once it is judged', async () => {
    const first = await audit(event('audit', { preflight: { work: [historyItem] } }));
    ecs.resetHistory();
    const again = await audit(event('audit', { preflight: { work: [historyItem] }, audit: carried(first) }));

    expect(again.verdict).toBe('failed');
    expect(again.state.polls).toBe(2);
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(0);
    expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('names a bad event: no Preflight work list', async () => {
    await expect(audit(event('audit', {}))).rejects.toThrow(/Audit: bad event: state\.preflight/);
  });
});
