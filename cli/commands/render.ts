import { migrate } from '../../core/taskdef';
import { collectorConfigOf, decodeCollectorConfig } from '../../core/taskdef/adot-config-text';
import { parseOptions } from '../args';
import { readPlanFile, readTaskDefinitionFile, readUserFile, serviceOf } from '../files';
import { json, outputDir, printWarnings, writeOutputs } from '../output';
import { EXIT_CODES, type CliCommand } from './types';

const HELP = `Usage: alloy-rollout render --plan FILE --service NAME --task-definition FILE
                             [--collector-config FILE] [--out DIR] [--json]

Renders the Alloy migration of one service's task definition without touching AWS: the
RegisterTaskDefinition JSON (ADOT removed, Alloy init + sidecar added, main containers on
json-file) and the service's Alloy config, and prints what changed.

Options:
  --plan FILE              the rollout plan (YAML or JSON)
  --service NAME           the plan's service name (e.g. history)
  --task-definition FILE   the current task definition: aws ecs describe-task-definition
                           --include TAGS output, or a RegisterTaskDefinition input
  --collector-config FILE  the ADOT collector's config (the YAML of the SSM parameter its
                           definition names): its Prometheus scrape job gives Alloy's job,
                           instance, interval, timeout and path. Without it, an inline
                           AOT_CONFIG_CONTENT is read; else the plan's values and a warning
  --out DIR                where to write task-definition.json and config.alloy
                           (default: ./rendered/<service>/; with --json, nothing is written
                           unless --out is given)
  --json                   print one JSON document: taskDefinition, alloyConfig, diff, warnings
  --help                   show this help

Exit codes: 0 rendered (or already migrated: a note is printed), 2 bad input or a definition that
cannot be migrated (the reason is printed), 1 unexpected failure.`;

export const command: CliCommand = {
  name: 'render',
  summary: 'render the Alloy task definition and config for one service, with a diff',
  help: HELP,
  async run(args, io) {
    const options = parseOptions('render', args, {
      plan: { type: 'string', required: true },
      service: { type: 'string', required: true },
      'task-definition': { type: 'string', required: true },
      'collector-config': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    const plan = await readPlanFile(io, options.plan);
    const service = serviceOf(plan, options.plan, options.service);
    const current = await readTaskDefinitionFile(io, options['task-definition']);
    const configFile = options['collector-config'];
    // Offline: the file given, else what the definition holds inline (an SSM parameter is not read).
    const collectorConfig =
      configFile === undefined
        ? collectorConfigOf(current, service)
        : decodeCollectorConfig(await readUserFile(io, configFile, 'ADOT collector config'), configFile);
    const result = migrate(current, service, plan, { collectorConfig });

    if (result.kind === 'already-migrated') {
      if (options.json) io.stdout(json({ kind: result.kind, reason: result.reason }));
      else
        io.stdout(`${options['task-definition']}: already migrated, nothing to render (${result.reason})\n`);
      return EXIT_CODES.ok;
    }
    const written =
      !options.json || options.out !== undefined
        ? await writeOutputs(io, outputDir(io, options.out, service.name), {
            'task-definition.json': json(result.taskDefinition),
            'config.alloy': result.alloyConfig,
          })
        : [];
    if (options.json) {
      io.stdout(
        json({
          kind: result.kind,
          taskDefinition: result.taskDefinition,
          alloyConfig: result.alloyConfig,
          diff: result.diff,
          warnings: result.warnings,
          configParameter: result.configParameter,
          adotContainer: result.adotContainer,
          mainContainers: result.mainContainers,
          budget: result.budget,
        }),
      );
      return EXIT_CODES.ok;
    }
    printWarnings(io, result.warnings);
    io.stdout(`${result.diff}\n`);
    io.stdout(`Alloy config goes to SSM parameter ${result.configParameter}\n`);
    io.stdout(`wrote ${written.join(', ')}\n`);
    return EXIT_CODES.ok;
  },
};
