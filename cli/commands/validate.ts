import { parseOptions } from '../args';
import { readPlanFile } from '../files';
import { EXIT_CODES, type CliCommand } from './types';

const HELP = `Usage: alloy-rollout validate --plan FILE

Checks a rollout plan (YAML or JSON) against the plan schema, including the LogQL/PromQL of its
checks, without touching anything.

Options:
  --plan FILE   the plan to check
  --help        show this help

Exit codes: 0 valid (prints a one-line summary), 2 invalid (lists every problem with its field
path), 1 unexpected failure.`;

export const command: CliCommand = {
  name: 'validate',
  summary: 'check a plan file and list every problem',
  help: HELP,
  async run(args, io) {
    const options = parseOptions('validate', args, { plan: { type: 'string', required: true } });
    const plan = await readPlanFile(io, options.plan);
    const services = plan.phases.reduce((n, p) => n + p.services.length, 0);
    const phases = plan.phases.map(
      (p) => `${p.name}${p.enabled ? '' : ' (disabled)'}: ${p.services.map((s) => s.name).join(', ')}`,
    );
    io.stdout(
      `${options.plan}: valid plan for cluster ${plan.cluster} (${plan.region}), ${services} service${services === 1 ? '' : 's'} in ${plan.phases.length} phase${plan.phases.length === 1 ? '' : 's'} (${phases.join('; ')})\n`,
    );
    return EXIT_CODES.ok;
  },
};
