import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { ORCHESTRATOR_DEFAULTS } from '../infra/orchestrator-props';
import { parseFaults } from '../sandbox/faults';
import { benchBundles } from './bundles';
import { EXECUTION_LIMITS, fitLine, largestWithin } from './capacity';
import { costOf, PRICES, scaleUsage } from './cost';
import {
  detectAndRollBack,
  followingCost,
  historySizes,
  overheadPerService,
  usagePerService,
} from './figures';
import { parseBenchArgs, wants, type BenchOptions } from './options';
import { rehearse } from './rehearsal';
import { exampleScenario, generatedScenario } from './scenario';
import { printResults } from './print';
import { shadowCost } from './shadow';

/** The service the rollback figure breaks, and how: lines that are not JSON fail the logs check at once. */
export const ROLLBACK_FAULT = { service: 'history', spec: 'history:broken-json' } as const;
/**
 * The same fault setting in only after the checks have passed for a while: 90 s after each new
 * task starts, which in the example rehearsal is about a minute into the soak (the deployment
 * takes about 35 s).
 */
export const MID_SOAK_FAULT = { service: 'history', spec: 'history:broken-json-after=90s' } as const;

const METHODS = {
  overhead:
    'Full rehearsal of examples/plan.yaml (five services) in the sandbox, followed by the Action. For each service child execution: total = its simulated duration; ' +
    'unavoidable = the ECS deployment (created to COMPLETED, from the service events) + the soak Wait + Wait states spent for data (checks answering pending); ' +
    'overhead = time outside Wait states (Lambdas, engine) + deployment polling after ECS had finished (deployment Wait time - ECS deployment time, at least 0). ' +
    'Simulated time = real time outside Wait states + Wait time scaled by the clock speed (Lambda code and the engine are never scaled).',
  rollback: `Same rehearsal with the fault ${ROLLBACK_FAULT.spec} (rollback scope all), and again with ${MID_SOAK_FAULT.spec} (midSoak). The evidence turns bad at the Loki timestamp of the first line of the faulty service (first line that is not JSON for midSoak), read through the Loki query API; measured on the product's clock (the times its Lambdas measured with) to the Verify poll that answered failed, to the return of the rollback's ECS UpdateService, and to the passing VerifyCloudWatch of the first and of the last rolled-back service.`,
  cost:
    'From the rehearsal histories: state transitions = states entered + Lambda retries; Lambda invocations and durations from LambdaFunctionStarted to Succeeded/Failed (handlers run in-process against the loopback sandbox, so real AWS latency is not included; billed = rounded up to 1 ms); ' +
    'AWS API calls = requests the product sent (Node diagnostics channels on node:http and undici), attributed to a service while its child execution ran. Per service = its child execution + its share of the parent loop; fixed = the rest (lock, preflight, Loki, finalize).',
  scale:
    'A generated plan of copies of the example worker service (phases of 25), the example verification settings without its cluster-wide error-count check (it fails by itself as the cluster grows). ' +
    'Events per execution from GetExecutionHistory. The largest rollout: a line through the parent at its first and last ServiceDone (events so far, and the size of the state it carries on), extended to 25,000 events (plus the events after the last service) and to the 256 KiB state payload limit. The payload line holds for a plan of this size: the plan and the preflight work list in the state also grow with the number of planned services.',
  shadow:
    "The same rehearsal: for each service whose phase has a shadow step (the example's canary), on the product's simulated clock from UpdateServiceShadow to the final UpdateService: the time added, the shadow states entered and Lambda invocations, the product's requests in that span (AWS API calls, of which CloudWatch Logs, and Loki/AMP queries), and the lines both CloudWatch and Loki ingested meanwhile (the last count's CloudWatch events per second of its window times the span).",
  bundles: '',
  following:
    'Requests the Action (runRollout with the product defaults: each execution read every 4 s while it may change, not read for the rest of a Wait (read again once the step after it usually ends) or while a parent waits on its running child, at least once a minute; 250 ms pacing) sent to Step Functions while starting and following the full rehearsal, counted by SDK middleware, divided by the simulated duration of the rollout. ' +
    "Step-line latency: for each step line printed, the time from its history event's timestamp to the print, on the follower's clock (the sandbox's simulated clock, which also runs the follower's own request, pacing and timer delays at the clock speed: a 100 ms stall of the shared process is 2 s at x20); wall = the same / clock speed.",
} as const;

export async function runBenchmarks(options: BenchOptions, root: string): Promise<Record<string, unknown>> {
  const nodeBinary = process.execPath;
  const sandbox = { root, clockSpeed: options.clockSpeed };
  const memoryMb = ORCHESTRATOR_DEFAULTS.lambdaMemorySize;
  const results: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine: {
      node: process.version,
      nodeBinary,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      platform: `${process.platform}-${process.arch}`,
    },
    clockSpeed: options.clockSpeed,
    scaleClockSpeed: options.scaleClockSpeed,
    prices: {
      ...PRICES,
      lambdaMemoryMb: memoryMb,
      lambdaMemoryFrom: 'infra/orchestrator-props.ts ORCHESTRATOR_DEFAULTS.lambdaMemorySize',
    },
  };
  const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

  if (wants(options, 'bundles')) {
    log('bundles');
    const bundles = await benchBundles(root, nodeBinary, options.loadRuns);
    results['bundles'] = { ...bundles, measuredAt: new Date().toISOString() };
  }

  if (wants(options, 'rehearsal')) {
    log('full rehearsal of examples/plan.yaml');
    const record = await rehearse(exampleScenario(root), sandbox);
    const usage = usagePerService(record);
    const per100 = scaleUsage(usage.fixed, usage.perService, 100);
    results['rehearsal'] = {
      measuredAt: new Date().toISOString(),
      status: record.result.status,
      failure: record.result.failure?.message ?? null,
      wallSeconds: round1(record.wallMs / 1000),
    };
    results['overhead'] = { method: METHODS.overhead, ...overheadPerService(record) };
    results['cost'] = {
      method: METHODS.cost,
      ...usage,
      hundredServices: { usage: per100, cost: costOf(per100, memoryMb) },
    };
    results['following'] = { method: METHODS.following, ...followingCost(record) };
    results['shadow'] = { method: METHODS.shadow, services: shadowCost(record) };
  }

  if (wants(options, 'rollback')) {
    log(`rehearsal with ${ROLLBACK_FAULT.spec}`);
    const record = await rehearse(exampleScenario(root), {
      ...sandbox,
      faults: parseFaults([ROLLBACK_FAULT.spec]),
    });
    log(`rehearsal with ${MID_SOAK_FAULT.spec}`);
    const midSoak = await rehearse(exampleScenario(root), {
      ...sandbox,
      faults: parseFaults([MID_SOAK_FAULT.spec]),
    });
    results['rollback'] = {
      method: METHODS.rollback,
      measuredAt: new Date().toISOString(),
      fault: ROLLBACK_FAULT.spec,
      ...detectAndRollBack(
        record,
        ROLLBACK_FAULT.service,
        record.lokiFirstLineOnProductClockMs[ROLLBACK_FAULT.service],
      ),
      midSoak: {
        fault: MID_SOAK_FAULT.spec,
        ...detectAndRollBack(
          midSoak,
          MID_SOAK_FAULT.service,
          midSoak.lokiFirstBadLineOnProductClockMs[MID_SOAK_FAULT.service],
        ),
      },
    };
  }

  if (wants(options, 'scale')) {
    log(`scale rehearsal with ${options.scaleServices} generated services`);
    const record = await rehearse(generatedScenario(root, options.scaleServices), {
      ...sandbox,
      clockSpeed: options.scaleClockSpeed,
      logPeriodMs: 60_000,
    });
    const sizes = historySizes(record);
    const first = sizes.growth[0];
    const last = sizes.growth[sizes.growth.length - 1];
    const usable = first && last && last.services > first.services;
    const events = usable ? fitLine(first.services, first.events, last.services, last.events) : null;
    const payload = usable
      ? fitLine(first.services, first.payloadBytes, last.services, last.payloadBytes)
      : null;
    const byEvents = events
      ? largestWithin(
          { fixed: events.fixed + sizes.parentTailEvents, perService: events.perService },
          EXECUTION_LIMITS.historyEvents,
        )
      : null;
    const byPayload = payload ? largestWithin(payload, EXECUTION_LIMITS.payloadBytes) : null;
    results['scale'] = {
      method: METHODS.scale,
      measuredAt: new Date().toISOString(),
      clockSpeed: options.scaleClockSpeed,
      status: record.result.status,
      failure: record.result.failure?.message ?? null,
      wallSeconds: round1(record.wallMs / 1000),
      servicesDone: record.executions.filter((e) => e.parentArn !== undefined && e.status === 'SUCCEEDED')
        .length,
      servicesBelowPayloadLimit: last?.services ?? 0,
      ...sizes,
      growth: sizes.growth.filter((_, i) => i % 10 === 0 || i === sizes.growth.length - 1),
      parentEventsPerService: events ? round1(events.perService) : null,
      parentPayloadBytesPerService: payload ? round1(payload.perService) : null,
      largestRolloutByEvents: byEvents,
      largestRolloutByPayload: byPayload,
      largestRollout:
        byEvents === null ? byPayload : byPayload === null ? byEvents : Math.min(byEvents, byPayload),
    };
  }
  return results;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

async function readExisting(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function main(argv: readonly string[], root = path.resolve(__dirname, '..')): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const out = path.resolve(root, options.out);
  const fresh = await runBenchmarks(options, root);
  // With --only, the other figures of an earlier run in the same file are kept.
  const results = options.only.length > 0 ? { ...(await readExisting(out)), ...fresh } : fresh;
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${printResults(results)}\nwrote ${path.relative(root, out)}\n`);
  return 0;
}
