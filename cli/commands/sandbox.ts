import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { InputInvalidError } from '../../core/errors';
import { FAULT_GRAMMAR, FAULT_NOTES, parseFaults } from '../../sandbox/faults';
import { runSandboxUntilStopped } from '../../sandbox/main';
import { parseClockSpeed } from './rehearse';
import { EXIT_CODES, type CliCommand } from './types';

const HELP = `Usage: alloy-rollout sandbox [--port N] [--clock-speed X] [--fault SPEC]... [--plan FILE] [--no-prometheus]

Serves, on 127.0.0.1 until stopped (Ctrl-C), local twins of the AWS APIs the product calls (ECS
with rolling deployments of simulated tasks, Step Functions running statemachine/rollout.asl.json
with the real Lambda handlers, CloudWatch Logs, SSM, DynamoDB, Secrets Manager), a Loki API, task
metrics scraped by a real Prometheus (the AMP stand-in). Point the AWS SDK or CLI at it with the
AWS_ENDPOINT_URL_* lines it prints. With --plan, the plan's cluster is seeded (services on ADOT +
awslogs from examples/task-definitions) and the orchestrator deployed.

Options:
  --port N          port to listen on (default: 4566; 0 picks a free one)
  --clock-speed X   simulated seconds per real second (default: 1)
  --fault SPEC      inject a fault; repeat for several:
                      ${FAULT_GRAMMAR.join('\n                      ')}
                    ${FAULT_NOTES.join('\n                    ')}
  --plan FILE       seed the cluster of this plan and deploy the orchestrator
  --no-prometheus   do not start Prometheus (task metrics are still served)
  --help            show this help

Exit codes: 0 stopped cleanly, 2 bad input, 1 anything else.`;

export const command: CliCommand = {
  name: 'sandbox',
  summary: 'serve the local twin of the AWS APIs, Loki and Prometheus until stopped',
  help: HELP,
  async run(args, io) {
    let values: {
      port?: string;
      'clock-speed'?: string;
      fault?: string[];
      plan?: string;
      'no-prometheus'?: boolean;
    };
    try {
      values = parseArgs({
        args: [...args],
        options: {
          port: { type: 'string' },
          'clock-speed': { type: 'string' },
          fault: { type: 'string', multiple: true },
          plan: { type: 'string' },
          'no-prometheus': { type: 'boolean' },
        },
        strict: true,
        allowPositionals: false,
      }).values;
    } catch (error) {
      throw new InputInvalidError(
        `${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')} (see: alloy-rollout sandbox --help)`,
      );
    }
    const port = values.port === undefined ? 4566 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new InputInvalidError(
        `--port: expected a port number from 0 to 65535, got "${values.port ?? ''}"`,
      );
    const root = path.resolve(__dirname, '..', '..');
    await runSandboxUntilStopped({
      port,
      clockSpeed: parseClockSpeed(values['clock-speed'], 1),
      faults: parseFaults(values.fault ?? []),
      prometheus: values['no-prometheus'] !== true,
      ...(values.plan ? { planFile: path.resolve(io.cwd, values.plan) } : {}),
      taskDefinitionsDir: path.join(root, 'examples', 'task-definitions'),
      workDir: path.resolve(io.cwd, '.rehearsal', 'sandbox'),
      write: io.stdout,
    });
    return EXIT_CODES.ok;
  },
};
