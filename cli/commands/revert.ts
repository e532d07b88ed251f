import { revert } from '../../core/taskdef';
import { parseOptions } from '../args';
import { readPlanFile, readTaskDefinitionFile, serviceOf } from '../files';
import { json, outputDir, printWarnings, writeOutputs } from '../output';
import { EXIT_CODES, type CliCommand } from './types';

const HELP = `Usage: alloy-rollout revert --plan FILE --service NAME --task-definition FILE --baseline FILE [--out DIR] [--json]

Renders the way back for one service: the migrated (current) task definition with the ADOT
collector, awslogs and the collector references of the baseline restored, keeping the current
revision's app changes. Touches nothing in AWS.

Options:
  --plan FILE              the rollout plan (YAML or JSON)
  --service NAME           the plan's service name (e.g. history)
  --task-definition FILE   the current (migrated) task definition, Describe or Register JSON
  --baseline FILE          the ADOT + awslogs task definition the migration started from
  --out DIR                where to write task-definition.reverted.json
                           (default: ./rendered/<service>/; with --json, nothing is written
                           unless --out is given)
  --json                   print one JSON document: taskDefinition, diff, warnings
  --help                   show this help

Exit codes: 0 rendered, 2 bad input or a definition that cannot be reverted (the reason is
printed), 1 unexpected failure.`;

export const command: CliCommand = {
  name: 'revert',
  summary: 'render the ADOT + awslogs task definition back from a migrated one and its baseline',
  help: HELP,
  async run(args, io) {
    const options = parseOptions('revert', args, {
      plan: { type: 'string', required: true },
      service: { type: 'string', required: true },
      'task-definition': { type: 'string', required: true },
      baseline: { type: 'string', required: true },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    const plan = await readPlanFile(io, options.plan);
    const service = serviceOf(plan, options.plan, options.service);
    const current = await readTaskDefinitionFile(io, options['task-definition']);
    const baseline = await readTaskDefinitionFile(io, options.baseline);
    const result = revert(current, baseline);

    const written =
      !options.json || options.out !== undefined
        ? await writeOutputs(io, outputDir(io, options.out, service.name), {
            'task-definition.reverted.json': json(result.taskDefinition),
          })
        : [];
    if (options.json) {
      io.stdout(
        json({ taskDefinition: result.taskDefinition, diff: result.diff, warnings: result.warnings }),
      );
      return EXIT_CODES.ok;
    }
    printWarnings(io, result.warnings);
    io.stdout(
      result.diff === '' ? 'no changes: the current definition is the baseline\n' : `${result.diff}\n`,
    );
    io.stdout(`wrote ${written.join(', ')}\n`);
    return EXIT_CODES.ok;
  },
};
