import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { parseInputs } from '../../action/src/inputs';
import { runRollout } from '../../action/src/run-rollout';
import { consoleActionIo } from '../../sandbox/rehearse/console-io';
import { parseOptions } from '../args';
import { checkWritable } from '../writable-paths';
import { EXIT_CODES, type CliCommand } from './types';

const HELP = `Usage: alloy-rollout verify --plan FILE --state-machine-arn ARN [--services A,B] [--phase NAME] [--region REGION] [--report FILE] [--summary FILE]

Audits a cluster read-only against a deployed orchestrator: starts a verify execution of the state
machine (no lock is taken, nothing is registered, deployed or written) and follows it as the Action
does. For every service the plan says is migrated (its enabled phases, up to --phase, or the
--services named): the running task definition still has the Alloy sidecar and its init container,
no ADOT, and is a revision alloy-rollout registered; its tasks' logs reach Loki, its metrics reach
AMP, Alloy is healthy; then the Loki checkpoint and, with a grafana section, the Grafana one.
AWS credentials and endpoints come from the environment, as for the AWS CLI.

Options:
  --plan FILE               the plan the cluster was migrated with
  --state-machine-arn ARN   the orchestrator's state machine
  --services A,B            only these plan services
  --phase NAME              the phases up to and including this one ("enabled": the enabled ones)
  --region REGION           region of the state machine (default: the one in its ARN)
  --report FILE             write the report JSON there
  --summary FILE            write the Markdown summary (the audit record) there
  --help                    show this help

Exit codes: 0 every service verified, 1 a service drifted or is unhealthy (or the run failed),
2 bad input (plan, options).`;

export const command: CliCommand = {
  name: 'verify',
  summary: 'audit the migrated services read-only through a deployed state machine',
  help: HELP,
  async run(args, io) {
    const options = parseOptions('verify', args, {
      plan: { type: 'string', required: true },
      'state-machine-arn': { type: 'string', required: true },
      services: { type: 'string' },
      phase: { type: 'string' },
      region: { type: 'string' },
      report: { type: 'string' },
      summary: { type: 'string' },
    });
    const outputs = [options.report, options.summary].filter((f): f is string => f !== undefined);
    for (const file of outputs) {
      const full = path.resolve(io.cwd, file);
      await checkWritable(path.dirname(full), [path.basename(full)], file);
    }
    // The Action's own input parsing: the same plan checks and messages. Outside GitHub, each
    // invocation is its own "run", so a new execution is started every time.
    const values: Record<string, string> = {
      mode: 'verify',
      'state-machine-arn': options['state-machine-arn'],
      'plan-file': options.plan,
      services: options.services ?? '',
      phase: options.phase ?? '',
      'aws-region': options.region ?? '',
    };
    const inputs = parseInputs({
      getInput: (name) => values[name] ?? '',
      env: {
        ...io.env,
        GITHUB_WORKSPACE: io.cwd,
        GITHUB_REPOSITORY: 'local/alloy-rollout-cli',
        GITHUB_RUN_ID: String(Date.now()),
        GITHUB_RUN_ATTEMPT: '1',
      },
      readFile: (file) => readFileSync(file, 'utf8'),
      cwd: io.cwd,
    });
    const sfn = new SFNClient({ region: inputs.region });
    const actionIo = consoleActionIo(io.stdout);
    try {
      const result = await runRollout(inputs, { sfn, io: actionIo });
      if (options.report && result.report)
        await writeFile(path.resolve(io.cwd, options.report), `${JSON.stringify(result.report, null, 2)}\n`);
      if (options.summary)
        await writeFile(path.resolve(io.cwd, options.summary), actionIo.summary.join('\n'));
      return result.status === 'SUCCEEDED' ? EXIT_CODES.ok : EXIT_CODES.failure;
    } finally {
      sfn.destroy();
    }
  },
};
