import type { UserMode } from '../../core/execution';
import type { Plan } from '../../core/plan/schema';
import type {
  CheckResult,
  FailureCause,
  Report,
  ServiceOutcome,
  ServiceReport,
  Verdict,
} from '../../core/report/types';
import { consoleUrl, executionNameOf } from './execution-name';
import { compact } from './outcome';
import { shadowTable } from './shadow-summary';
import type { ActionStatus } from './types';

export interface SummaryInput {
  readonly mode: UserMode;
  readonly plan: Plan;
  readonly region: string;
  readonly executionArn: string;
  readonly status: ActionStatus;
  readonly attached: boolean;
  readonly report?: Report;
  readonly cause?: FailureCause;
  /** A sentence about how the Action stopped watching (wait: false, timeout-minutes). */
  readonly note?: string;
}

/** Room for the service tables, below GitHub's 1 MiB limit per step summary. */
export const SUMMARY_BUDGET_BYTES = 900_000;

const STATUS_ICONS: Record<ActionStatus, string> = {
  SUCCEEDED: '✅',
  ROLLED_BACK: '↩️',
  FAILED: '❌',
  REFUSED: '⛔',
  VERIFY_FAILED: '❌',
  ABORTED: '⏹️',
  TIMED_OUT: '⌛',
  RUNNING: '⏳',
};

const VERDICT_ICONS: Record<Verdict, string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  pending: '⏳ pending',
  error: '⚠️ error',
  skipped: '⏭️ skipped',
};

/** Outcome shown for a plan service the report does not mention (not reached, or no report). */
type DiagramOutcome = ServiceOutcome | 'not-run';

/** Worst first: a phase takes the colour of its worst service. */
const OUTCOME_ORDER: readonly DiagramOutcome[] = [
  'failed',
  'drifted',
  'unhealthy',
  'rolled-back',
  'migrated',
  'verified',
  'planned',
  'skipped',
  'untouched',
  'not-run',
];

const OUTCOME_STYLES: Record<DiagramOutcome, string> = {
  failed: 'fill:#ffd8d3,stroke:#cf222e,color:#82071e',
  'rolled-back': 'fill:#fff1c2,stroke:#bf8700,color:#4d2d00',
  migrated: 'fill:#d2f4d9,stroke:#1a7f37,color:#0a3d1a',
  verified: 'fill:#d2f4d9,stroke:#1a7f37,color:#0a3d1a',
  drifted: 'fill:#ffd8d3,stroke:#cf222e,color:#82071e',
  unhealthy: 'fill:#ffd8d3,stroke:#cf222e,color:#82071e',
  planned: 'fill:#ddf4ff,stroke:#0969da,color:#0a3069',
  skipped: 'fill:#eaeef2,stroke:#6e7781,color:#24292f',
  untouched: 'fill:#f6f8fa,stroke:#afb8c1,color:#57606a',
  'not-run': 'fill:#ffffff,stroke:#d0d7de,color:#8c959f,stroke-dasharray:4 3',
};

const classNameOf = (outcome: DiagramOutcome) => outcome.replace('-', '_');

/** Text safe inside a Markdown table cell (the summary is rendered as GitHub-flavoured Markdown + HTML). */
export function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, '<br>');
}

const code = (text: string) => `<code>${cell(text)}</code>`;

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function spanOf(startedAt: string | undefined, finishedAt: string | undefined): string {
  if (!startedAt || !finishedAt) return '';
  return formatDuration(Date.parse(finishedAt) - Date.parse(startedAt));
}

/** Evidence as the table shows it: the query, the window, what was seen, what was required. */
export function formatEvidence(evidence: CheckResult['evidence']): string {
  const parts: string[] = [];
  const { query, window, values, threshold, ...rest } = evidence;
  if (query) parts.push(`query ${code(query)}`);
  if (window) parts.push(`window ${cell(`${window.start} → ${window.end}`)}`);
  if (values !== undefined) parts.push(`seen ${code(compact(values, 400))}`);
  if (threshold !== undefined) parts.push(`required ${code(compact(threshold, 200))}`);
  if (Object.keys(rest).length > 0) parts.push(code(compact(rest, 400)));
  return parts.join('<br>');
}

function checksTable(checks: readonly CheckResult[]): string[] {
  if (checks.length === 0) return ['_No checks recorded._'];
  return [
    '| Check | Verdict | Message | Evidence | Duration |',
    '| --- | --- | --- | --- | --- |',
    ...checks.map((c) => {
      const attempts = c.attempts !== undefined && c.attempts > 1 ? ` (${c.attempts} attempts)` : '';
      return `| ${cell(c.name)} | ${VERDICT_ICONS[c.verdict]} | ${cell(c.message)} | ${formatEvidence(c.evidence)} | ${formatDuration(c.durationMs)}${attempts} |`;
    }),
  ];
}

/** A fenced block whose fence is longer than any backtick run inside (diffs may contain some). */
function fenced(language: string, body: string): string[] {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, body.replace(/\n$/, ''), fence];
}

function serviceSection(service: ServiceReport, mode: UserMode): string[] {
  // A verify run changes nothing: the one revision that matters is the one the service runs.
  const revisions: [string, string][] =
    mode === 'verify'
      ? [['Task definition running', service.taskDefinitionAfter ? code(service.taskDefinitionAfter) : '—']]
      : [
          ['Task definition before', service.taskDefinitionBefore ? code(service.taskDefinitionBefore) : '—'],
          ['Task definition after', service.taskDefinitionAfter ? code(service.taskDefinitionAfter) : '—'],
        ];
  const facts: [string, string][] = [['Outcome', cell(service.outcome)], ...revisions];
  if (service.ecsService) facts.push(['ECS service', code(service.ecsService)]);
  if (service.finalCollector) facts.push(['Collector at the end', cell(service.finalCollector)]);
  if (service.finalLogDriver) facts.push(['Log driver at the end', cell(service.finalLogDriver)]);
  if (service.logsReceivedBy) facts.push(['Logs received by', cell(service.logsReceivedBy)]);
  const duration = spanOf(service.startedAt, service.finishedAt);
  if (duration) facts.push(['Duration', duration]);

  const lines = [
    `### ${cell(service.name)} (phase ${cell(service.phase)}): ${cell(service.outcome)}`,
    '',
    '| | |',
    '| --- | --- |',
  ];
  lines.push(
    ...facts.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    ...checksTable(service.checks),
    ...shadowTable(service.checks, cell),
  );
  if (service.warnings && service.warnings.length > 0)
    lines.push('', ...service.warnings.map((w) => `> ⚠️ ${cell(w)}`));
  if (service.diff !== undefined) {
    lines.push(
      '',
      `<details${mode === 'plan' ? ' open' : ''}><summary>Task-definition diff</summary>`,
      '',
      ...fenced('diff', service.diff || '(no change)'),
      '',
      '</details>',
    );
  }
  lines.push('');
  return lines;
}

function worst(outcomes: readonly DiagramOutcome[]): DiagramOutcome {
  return OUTCOME_ORDER.find((o) => outcomes.includes(o)) ?? 'not-run';
}

/** The phases in order, each service coloured by its outcome and each phase by its worst service. */
export function renderDiagram(plan: Plan, report: Report | undefined): string[] {
  const outcomes = new Map((report?.services ?? []).map((s) => [s.name, s.outcome]));
  const lines = ['```mermaid', 'flowchart LR'];
  const used = new Set<DiagramOutcome>();
  plan.phases.forEach((phase, pi) => {
    lines.push(`  subgraph p${pi}["${phase.name}${phase.enabled ? '' : ' (disabled)'}"]`, '    direction TB');
    const phaseOutcomes: DiagramOutcome[] = [];
    phase.services.forEach((service, si) => {
      const outcome: DiagramOutcome = outcomes.get(service.name) ?? 'not-run';
      phaseOutcomes.push(outcome);
      used.add(outcome);
      lines.push(`    p${pi}s${si}["${service.name}<br/>${outcome}"]:::${classNameOf(outcome)}`);
    });
    lines.push('  end');
    lines.push(`  style p${pi} ${OUTCOME_STYLES[worst(phaseOutcomes)]}`);
  });
  for (let pi = 1; pi < plan.phases.length; pi++) lines.push(`  p${pi - 1} --> p${pi}`);
  for (const outcome of OUTCOME_ORDER)
    if (used.has(outcome)) lines.push(`  classDef ${classNameOf(outcome)} ${OUTCOME_STYLES[outcome]}`);
  lines.push('```');
  return lines;
}

function causeLines(cause: FailureCause): string[] {
  const lines = [
    `> **Cause**: ${cause.service ? `service **${cell(cause.service)}**, ` : ''}check **${cell(cause.check)}**: ${cell(cause.message)}`,
  ];
  if (cause.evidence !== undefined) lines.push('>', `> Evidence: ${code(compact(cause.evidence, 1000))}`);
  return lines;
}

/** The job summary: status, cause, the phases diagram, a table per service, the console link. */
export function renderSummary(input: SummaryInput): string {
  const { report } = input;
  const link = `[${cell(executionNameOf(input.executionArn))}](${consoleUrl(input.region, input.executionArn)})`;
  const lines = [
    `## alloy-rollout ${input.mode}: ${STATUS_ICONS[input.status]} ${input.status.replace('_', ' ')}`,
    '',
    `Cluster **${cell(report?.cluster ?? input.plan.cluster)}** · execution ${link} in the Step Functions console${input.attached ? ' (attached to an execution already started for this step of the run)' : ''}`,
    '',
  ];
  if (input.note) lines.push(`> ${cell(input.note)}`, '');
  if (input.cause) lines.push(...causeLines(input.cause), '');
  // A run that took no lock (verify, plan, or refused by or before the lock) has nothing to release.
  if (report && report.mode !== 'verify' && report.lockHeld !== false && !report.lockReleased)
    lines.push('> ⚠️ The cluster lock was not released; the next rollout will wait for it to expire.', '');
  lines.push(...renderDiagram(input.plan, report), '');
  if (!report) {
    lines.push(
      input.status === 'RUNNING'
        ? '_The report is written when the execution ends._'
        : '_The execution produced no report._',
      '',
    );
    return lines.join('\n');
  }
  if (report.loki && report.loki.checks.length > 0)
    lines.push('### Loki', '', ...checksTable(report.loki.checks), '');
  if (report.grafana && report.grafana.checks.length > 0)
    lines.push('### Grafana', '', ...checksTable(report.grafana.checks), '');
  // GitHub refuses a step summary above 1 MiB: past the budget, services are listed, not detailed.
  let used = Buffer.byteLength(lines.join('\n'));
  const brief: string[] = [];
  for (const service of report.services) {
    const section = serviceSection(service, input.mode);
    const size = Buffer.byteLength(section.join('\n'));
    if (brief.length === 0 && used + size <= SUMMARY_BUDGET_BYTES) {
      lines.push(...section);
      used += size;
    } else brief.push(`${cell(service.name)} (${cell(service.outcome)})`);
  }
  if (brief.length > 0)
    lines.push(
      `The summary has no room for the details of ${brief.length} more service${brief.length === 1 ? '' : 's'}: ${brief.join(', ')}. The \`report\` output and the console have them.`,
      '',
    );
  const total = spanOf(report.startedAt, report.finishedAt);
  if (total) lines.push(`Total time: ${total}.`, '');
  return lines.join('\n');
}
