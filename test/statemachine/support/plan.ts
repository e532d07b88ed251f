/* eslint-disable @typescript-eslint/no-explicit-any -- the plan is a YAML document the tests edit freely before validation */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The example plan (the seeds' cluster), with short deadlines so failures are reached in a few polls. */
export function testPlan(overrides: (plan: Record<string, any>) => void = () => {}): Record<string, unknown> {
  const plan = parse(readFileSync(join(__dirname, '../../../examples/plan.yaml'), 'utf8')) as Record<
    string,
    any
  >;
  // The example's shadow step on the canary is left out: the scenarios time the plain flow, and the
  // shadow tests (shadow.test.ts) set their own.
  for (const phase of plan.phases) delete phase.shadow;
  // The Grafana steps have their own scenarios (grafana.test.ts), which put the section back.
  delete plan.grafana;
  plan.verification.deploymentTimeout = '20s';
  plan.verification.logs.deadline = '10s';
  // The cadence window must be shorter than the deadline; the fake collectors scrape every 2 s.
  plan.verification.metrics = { ...plan.verification.metrics, deadline: '10s', cadenceWindow: '5s' };
  plan.verification.checks = plan.verification.checks.map((c: Record<string, unknown>) => ({
    ...c,
    deadline: '10s',
  }));
  plan.rollback.verifyDeadline = '10s';
  // Polls advance the clock a few seconds each (every Date.now() call is a second): a short soak
  // keeps a clean migration to a handful of polls.
  plan.verification.soak = '20s';
  overrides(plan);
  return plan;
}
