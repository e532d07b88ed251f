import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LAMBDAS } from '../../../lambdas/catalog';
import {
  SANDBOX_WAIT_RESOURCE,
  TASK_TIMEOUT_DEFAULT_SECONDS,
  readPath,
  rewriteWaits,
  stateTypes,
  substitute,
  substitutions,
  taskStates,
  type Definition,
} from '../../../sandbox/sfn/definition';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('the orchestrator definition as the sandbox deploys it', () => {
  const text = readFileSync(path.join(ROOT, 'statemachine', 'rollout.asl.json'), 'utf8');
  const definition = JSON.parse(
    substitute(text, substitutions('eu-west-1', '000000000000', 'locks')),
  ) as Definition;

  it('fills every placeholder: each Task runs a catalog Lambda, a child execution or a Wait', () => {
    const { definition: runnable } = rewriteWaits(definition);
    const known = new Set(
      LAMBDAS.map((l) => `arn:aws:lambda:eu-west-1:000000000000:function:alloy-rollout-${l.id}`),
    );
    for (const [name, task] of taskStates(runnable)) {
      const ok =
        known.has(task.resource) ||
        task.resource === SANDBOX_WAIT_RESOURCE ||
        task.resource.startsWith('arn:aws:states:::states:startExecution');
      expect({ name, resource: task.resource, ok }).toEqual({ name, resource: task.resource, ok: true });
    }
  });

  it('turns Wait states into sandbox-clock tasks but remembers they were Waits', () => {
    const { definition: runnable, waits } = rewriteWaits(definition);
    const types = stateTypes(definition);
    expect(waits.size).toBeGreaterThan(0);
    for (const name of waits.keys()) expect(types.get(name)).toBe('Wait');
    expect([...stateTypes(runnable).values()]).not.toContain('Wait');
  });

  it('gives Tasks without a timeout the service default instead of the local runner 60 s', () => {
    const { definition: runnable } = rewriteWaits(definition);
    const child = [...Object.entries(runnable.States)].find(([, s]) =>
      String(s['Resource']).includes('startExecution'),
    );
    expect(child?.[1]['TimeoutSeconds']).toBe(TASK_TIMEOUT_DEFAULT_SECONDS);
    expect(TASK_TIMEOUT_DEFAULT_SECONDS * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});

describe('substitute', () => {
  it('refuses a placeholder the deployment does not provide, as a deploy would fail', () => {
    expect(() => substitute('{"Resource":"${NopeFunctionArn}"}', { LockTableName: 't' })).toThrow(
      /\$\{NopeFunctionArn\}, which the deployment does not provide/,
    );
  });
});

describe('readPath', () => {
  it('reads the JSONPath forms Wait states use', () => {
    const input = { timing: { pollSeconds: 10 }, list: [{ a: 1 }] };
    expect(readPath(input, '$.timing.pollSeconds')).toBe(10);
    expect(readPath(input, '$.list[0].a')).toBe(1);
    expect(readPath(input, '$')).toBe(input);
    expect(readPath(input, '$.missing.x')).toBeUndefined();
  });
});
