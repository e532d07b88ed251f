import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceNotFoundError } from '../../../core/errors';
import { parsePlanTextOrThrow } from '../../../core/plan/parse-text';
import { checkFaultTargets } from '../../../sandbox/fault-targets';
import { parseFaults } from '../../../sandbox/faults';

describe('checkFaultTargets', () => {
  // The example cluster: worker, history, matching, frontend, benchmark-worker.
  const plan = parsePlanTextOrThrow(readFileSync(join(__dirname, '../../../examples/plan.yaml'), 'utf8'));

  it('accepts plan service names, ECS service names and faults that target no service', () => {
    const faults = parseFaults([
      'worker:no-logs',
      'temporal-dev-temporal-history:deployment-fails',
      'history:missing-label=level',
      'history:broken-json-after=60s',
      'matching:no-logs-after=2m',
      'frontend:flapping-metrics',
      'loki:http-429x2',
      'ecs:throttlex1',
      'lock:held',
    ]);
    expect(() => checkFaultTargets(faults, plan, 'plan.yaml')).not.toThrow();
  });

  it('refuses a service the plan does not have, listing the names it does have', () => {
    const faults = parseFaults(['worker:no-logs', 'nosuchservice:no-logs', 'histroy:broken-json']);
    const refuse = () => checkFaultTargets(faults, plan, 'plan.yaml');
    expect(refuse).toThrow(ServiceNotFoundError);
    expect(refuse).toThrow(
      'fault "nosuchservice:no-logs", fault "histroy:broken-json": no service "nosuchservice", "histroy" in plan.yaml; ' +
        'expected a plan service name (worker, history, matching, frontend, benchmark-worker) or an ECS ' +
        'service name (temporal-dev-temporal-worker, temporal-dev-temporal-history, temporal-dev-temporal-matching, ' +
        'temporal-dev-temporal-frontend, temporal-dev-benchmark-worker)',
    );
  });

  it('names a timed fault with its duration, as it was written', () => {
    const faults = parseFaults([
      'histroy:broken-json-after=60s',
      'worker:flapping-metrics',
      'wrker:flapping-metrics',
    ]);
    expect(() => checkFaultTargets(faults, plan, 'plan.yaml')).toThrow(
      /^fault "histroy:broken-json-after=60s", fault "wrker:flapping-metrics": no service "histroy", "wrker" in plan.yaml;/,
    );
  });

  it('does not take the Loki service for a service to fault', () => {
    const faults = parseFaults(['temporal-dev-loki:no-logs']);
    expect(() => checkFaultTargets(faults, plan, 'plan.yaml')).toThrow(/no service "temporal-dev-loki"/);
  });
});
