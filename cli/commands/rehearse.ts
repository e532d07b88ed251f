import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { InputInvalidError } from '../../core/errors';
import { FAULT_GRAMMAR, FAULT_NOTES, parseFaults } from '../../sandbox/faults';
import { rehearse } from '../../sandbox/rehearse/rehearse';
import { checkWritable } from '../writable-paths';
import { EXIT_CODES, type CliCommand } from './types';

const HELP = `Usage: alloy-rollout rehearse [--plan FILE] [--task-definitions DIR] [--mode migrate|verify] [--fault SPEC]... [--report FILE] [--clock-speed X]

Rehearses a rollout on this machine, without AWS: starts the sandbox (local twins of ECS, Step
Functions, CloudWatch Logs, SSM, DynamoDB, Secrets Manager, a Loki API and a real Prometheus as
AMP), seeds the plan's cluster with its services on ADOT + awslogs, deploys the orchestrator
(statemachine/rollout.asl.json with the real Lambda handlers), runs the Action's own code to start
and follow the rollout, prints what a user would see, observes where each service's logs end up,
writes the report and stops everything it started. Every rehearsal starts from empty state: the
sandbox's Prometheus keeps its data in a fresh directory under .rehearsal/, removed at the end.

Options:
  --plan FILE              the plan (default: examples/plan.yaml)
  --task-definitions DIR   baseline task definitions, <service>.json per plan service
                           (default: examples/task-definitions)
  --mode MODE              migrate (default): the rollout; verify: the rollout, then the scheduled
                           read-only audit (mode verify) of the same plan, whose report is written
  --fault SPEC             inject a fault; repeat for several:
                             ${FAULT_GRAMMAR.join('\n                             ')}
                           ${FAULT_NOTES.join('\n                           ')}
                           <service> is a plan service name (e.g. history) or its ECS service
                           name; a service the plan does not have is bad input
  --report FILE            where to write the report JSON (default: .rehearsal/report.json)
  --clock-speed X          simulated seconds per real second (default: 60)
  --help                   show this help

Exit codes: 0 the rollout (and with --mode verify, the audit) succeeded, 1 it ended rolled back
(or failed, or was refused, or the audit failed),
2 bad input (plan, task definitions, fault specs, options).`;

export function parseClockSpeed(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 100_000)
    throw new InputInvalidError(`--clock-speed: expected a positive number up to 100000, got "${text}"`);
  return speed;
}

export const command: CliCommand = {
  name: 'rehearse',
  summary: 'rehearse a rollout against the local sandbox and write its report',
  help: HELP,
  async run(args, io) {
    let values: {
      plan?: string;
      'task-definitions'?: string;
      fault?: string[];
      report?: string;
      'clock-speed'?: string;
      mode?: string;
    };
    try {
      values = parseArgs({
        args: [...args],
        options: {
          plan: { type: 'string' },
          'task-definitions': { type: 'string' },
          fault: { type: 'string', multiple: true },
          report: { type: 'string' },
          'clock-speed': { type: 'string' },
          mode: { type: 'string' },
        },
        strict: true,
        allowPositionals: false,
      }).values;
    } catch (error) {
      throw new InputInvalidError(
        `${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')} (see: alloy-rollout rehearse --help)`,
      );
    }
    const mode = values.mode ?? 'migrate';
    if (mode !== 'migrate' && mode !== 'verify')
      throw new InputInvalidError(
        `--mode: expected "migrate" or "verify", got "${mode}" (see: alloy-rollout rehearse --help)`,
      );
    const faults = parseFaults(values.fault ?? []);
    const clockSpeed = parseClockSpeed(values['clock-speed'], 60);
    const reportOption = values.report ?? path.join('.rehearsal', 'report.json');
    const reportFile = path.resolve(io.cwd, reportOption);
    // Before anything starts: a report that cannot be written would be found out after the whole run.
    await checkWritable(path.dirname(reportFile), [path.basename(reportFile)], `--report ${reportOption}`);
    const root = path.resolve(__dirname, '..', '..');
    // Ctrl-C stops the sandbox (and the Prometheus it started) instead of leaving them behind.
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const result = await rehearse({
      planFile: path.resolve(io.cwd, values.plan ?? path.join(root, 'examples', 'plan.yaml')),
      taskDefinitionsDir: path.resolve(
        io.cwd,
        values['task-definitions'] ?? path.join(root, 'examples', 'task-definitions'),
      ),
      faults,
      clockSpeed,
      mode,
      reportFile,
      workDir: path.resolve(io.cwd, '.rehearsal'),
      write: io.stdout,
      signal: interrupt.signal,
    }).finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    return result.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.failure;
  },
};
