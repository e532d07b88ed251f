import { mkdir, writeFile } from 'node:fs/promises';
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

/** The service the rollback figure breaks, and how: lines that are not JSON fail the logs check at once. */
export const ROLLBACK_FAULT = { service: 'history', spec: 'history:broken-json' } as const;

const METHODS = {
  overhead:
    'Full rehearsal of examples/plan.yaml (five services) in the sandbox, followed by the Action. For each service child execution: total = its simulated duration; ' +
    'unavoidable = the ECS deployment (created to COMPLETED, from the service events) + the soak Wait + Wait states spent for data (checks answering pending); ' +
    'overhead = time outside Wait states (Lambdas, engine) + deployment polling after ECS had finished (deployment Wait time - ECS deployment time, at least 0). ' +
    'Simulated time = real time outside Wait states + Wait time scaled by the clock speed (Lambda code and the engine are never scaled).',
  rollback: `Same rehearsal with the fault ${ROLLBACK_FAULT.spec} (rollback scope all). The evidence turns bad when the first line of the faulty service reaches Loki (first line via the Loki query API); measured to the end of the first Verify state that answered failed, to the first ECS UpdateService the product sends after it, and to the end of the passing VerifyCloudWatch state of the first and of the last rolled-back service.`,
  cost:
    'From the rehearsal histories: state transitions = states entered + Lambda retries; Lambda invocations and durations from LambdaFunctionStarted to Succeeded/Failed (handlers run in-process against the loopback sandbox, so real AWS latency is not included; billed = rounded up to 1 ms); ' +
    'AWS API calls = requests the product sent (Node diagnostics channels on node:http and undici), attributed to a service while its child execution ran. Per service = its child execution + its share of the parent loop; fixed = the rest (lock, preflight, Loki, finalize).',
  scale:
    'Generated plans of copies of the example worker service (phases of 25), same verification settings. Events per execution from GetExecutionHistory; the largest rollout fits a line through two sizes (events and the largest parent state payload) and divides the limits (25,000 events, 256 KiB payload).',
  bundles: '',
  following:
    'Requests the Action (runRollout with the product defaults: 5 s poll, 250 ms pacing) sent to Step Functions while starting and following the full rehearsal, counted by SDK middleware, divided by the simulated duration of the rollout.',
} as const;

export async function runBenchmarks(options: BenchOptions, root: string): Promise<Record<string, unknown>> {
  const nodeBinary = process.execPath;
  // Same switch as `rehearse`: a product that uses DynamoDB reserved words runs only with it (recorded in the results).
  const allowDynamoDbReservedWords = process.env['SANDBOX_ALLOW_DYNAMODB_RESERVED_WORDS'] === '1';
  const sandbox = {
    root,
    clockSpeed: options.clockSpeed,
    ...(allowDynamoDbReservedWords ? { allowDynamoDbReservedWords } : {}),
  };
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
    sandboxAllowsDynamoDbReservedWords: allowDynamoDbReservedWords,
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
    results['bundles'] = bundles;
  }

  if (wants(options, 'rehearsal')) {
    log('full rehearsal of examples/plan.yaml');
    const record = await rehearse(exampleScenario(root), sandbox);
    const usage = usagePerService(record);
    const per100 = scaleUsage(usage.fixed, usage.perService, 100);
    results['rehearsal'] = {
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
  }

  if (wants(options, 'rollback')) {
    log(`rehearsal with ${ROLLBACK_FAULT.spec}`);
    const record = await rehearse(exampleScenario(root), {
      ...sandbox,
      faults: parseFaults([ROLLBACK_FAULT.spec]),
    });
    results['rollback'] = {
      method: METHODS.rollback,
      fault: ROLLBACK_FAULT.spec,
      ...detectAndRollBack(record, ROLLBACK_FAULT.service),
    };
  }

  if (wants(options, 'scale')) {
    const small = Math.min(2, options.scaleServices - 1);
    log(`scale rehearsals with ${small} and ${options.scaleServices} generated services`);
    const logPeriodMs = 60_000;
    const a = await rehearse(generatedScenario(root, Math.max(1, small)), {
      ...sandbox,
      clockSpeed: options.scaleClockSpeed,
      logPeriodMs,
    });
    const b = await rehearse(generatedScenario(root, options.scaleServices), {
      ...sandbox,
      clockSpeed: options.scaleClockSpeed,
      logPeriodMs,
    });
    const sa = historySizes(a);
    const sb = historySizes(b);
    const events = fitLine(sa.services, sa.parentEvents, sb.services, sb.parentEvents);
    const payload = fitLine(sa.services, sa.parentMaxPayloadBytes, sb.services, sb.parentMaxPayloadBytes);
    const byEvents = largestWithin(events, EXECUTION_LIMITS.historyEvents);
    const byPayload = largestWithin(payload, EXECUTION_LIMITS.payloadBytes);
    results['scale'] = {
      method: METHODS.scale,
      status: b.result.status,
      failure: b.result.failure?.message ?? null,
      smallFailure: a.result.failure?.message ?? null,
      wallSeconds: round1(b.wallMs / 1000),
      small: sa,
      large: sb,
      parentEventsPerService: round1(events.perService),
      parentPayloadBytesPerService: round1(payload.perService),
      largestRolloutByEvents: byEvents,
      largestRolloutByPayload: byPayload,
      largestRollout:
        byEvents === null ? byPayload : byPayload === null ? byEvents : Math.min(byEvents, byPayload),
    };
  }
  return results;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export async function main(argv: readonly string[], root = path.resolve(__dirname, '..')): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const results = await runBenchmarks(options, root);
  const out = path.resolve(root, options.out);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${printResults(results)}\nwrote ${path.relative(root, out)}\n`);
  return 0;
}
