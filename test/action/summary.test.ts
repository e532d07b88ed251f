import {
  cell,
  formatDuration,
  formatEvidence,
  renderDiagram,
  renderSummary,
  type SummaryInput,
} from '../../action/src/summary';
import type { Report } from '../../core/report/types';
import rolledBack from '../fixtures/action/report-rolled-back.json';
import { inputsFor } from './inputs-fixture';

const report = rolledBack as Report;
const inputs = inputsFor();
const base: SummaryInput = {
  mode: 'migrate',
  plan: inputs.plan,
  region: 'eu-west-1',
  executionArn: report.executionArn ?? '',
  status: 'ROLLED_BACK',
  attached: false,
  report,
  ...(report.cause ? { cause: report.cause } : {}),
};

describe('renderSummary', () => {
  const summary = renderSummary(base);

  it('heads with the mode, status and a link to the execution in the console', () => {
    expect(summary).toContain('## alloy-rollout migrate: ↩️ ROLLED BACK');
    expect(summary).toContain(
      '[migrate-9876543210-1-acme-platform](https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:migrate-9876543210-1-acme-platform)',
    );
  });

  it('names the service, the check and the cause with its evidence', () => {
    expect(summary).toContain(
      '> **Cause**: service **history**, check **logs**: 1 of 3 new tasks has no lines in Loki after 30s',
    );
    expect(summary).toContain('Evidence: <code>{"missingTaskIds":["f00dfeed"]}</code>');
  });

  it('has a table per service with outcome, task definitions, duration and each check', () => {
    const history = summary.slice(summary.indexOf('### history'), summary.indexOf('### matching'));

    expect(history).toContain('### history (phase core): rolled-back');
    expect(history).toContain('| Outcome | rolled-back |');
    expect(history).toContain(
      '| Task definition before | <code>arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-history:7</code> |',
    );
    expect(history).toContain(
      '| Task definition after | <code>arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-history:8</code> |',
    );
    expect(history).toContain('| Duration | 4m 48s |');
    expect(history).toContain(
      '| logs | ❌ failed | 1 of 3 new tasks has no lines in Loki after 30s | query <code>count_over_time({task_id="f00dfeed"}[5m]) &#124; x</code>',
    );
  });

  it('shows what was observed at the end and how many attempts a check took', () => {
    expect(summary).toContain('| Logs received by | cloudwatch |');
    expect(summary).toContain('| 31s (3 attempts) |');
    expect(summary).toContain('### Loki');
  });

  it('draws the phases coloured by outcome', () => {
    expect(summary).toContain('```mermaid\nflowchart LR');
  });

  it('says when the Action did not wait, and has no service tables then', () => {
    const withoutReport = renderSummary({
      mode: 'migrate',
      plan: inputs.plan,
      region: 'eu-west-1',
      executionArn: base.executionArn,
      status: 'RUNNING',
      attached: true,
      note: 'wait is false',
    });

    expect(withoutReport).toContain('> wait is false');
    expect(withoutReport).toContain('(attached to an execution already started for this step of the run)');
    expect(withoutReport).toContain('_The report is written when the execution ends._');
    expect(withoutReport).not.toContain('###');
  });

  it('shows the task-definition diff per service in plan mode', () => {
    const planned: Report = {
      ...report,
      status: 'SUCCEEDED',
      mode: 'plan',
      services: [
        {
          name: 'history',
          phase: 'core',
          outcome: 'planned',
          checks: [],
          diff: '- "logDriver": "awslogs"\n+ "logDriver": "json-file"\n```oops```\n',
        },
      ],
    };

    const summary = renderSummary({ ...base, mode: 'plan', status: 'SUCCEEDED', report: planned });

    expect(summary).toContain('<details open><summary>Task-definition diff</summary>');
    expect(summary).toContain(
      '````diff\n- "logDriver": "awslogs"\n+ "logDriver": "json-file"\n```oops```\n````',
    );
    expect(summary).toContain('_No checks recorded._');
  });

  it('warns when the lock was not released', () => {
    expect(renderSummary({ ...base, report: { ...report, lockReleased: false } })).toContain(
      'The cluster lock was not released',
    );
  });

  it('says nothing of a lock for a run refused before it held one', () => {
    const refused = renderSummary({
      ...base,
      status: 'REFUSED',
      report: { ...report, status: 'REFUSED', lockHeld: false, lockReleased: false },
      cause: { check: 'lock', message: 'rollout arn:other already running' },
    });

    expect(refused).toContain('REFUSED');
    expect(refused).not.toMatch(/lock was not released|lock released/i);
  });
});

describe('renderDiagram', () => {
  it('puts each phase in order with its services coloured by outcome, and the phase by its worst', () => {
    const diagram = renderDiagram(inputs.plan, report).join('\n');

    expect(diagram).toContain('subgraph p0["canary"]');
    expect(diagram).toContain('p0s0["worker<br/>rolled-back"]:::rolled_back');
    expect(diagram).toContain('p1s0["history<br/>rolled-back"]:::rolled_back');
    expect(diagram).toContain('p1s1["matching<br/>untouched"]:::untouched');
    expect(diagram).toContain('p1s2["frontend<br/>not-run"]:::not_run');
    expect(diagram).toContain('style p1 fill:#fff1c2');
    expect(diagram).toContain('p0 --> p1\n  p1 --> p2');
    expect(diagram).toContain('classDef rolled_back ');
    expect(diagram).not.toContain('classDef migrated ');
  });

  it('marks disabled phases', () => {
    const plan = {
      ...inputs.plan,
      phases: inputs.plan.phases.map((p, i) => (i === 2 ? { ...p, enabled: false } : p)),
    };

    expect(renderDiagram(plan, undefined).join('\n')).toContain('subgraph p2["benchmark (disabled)"]');
  });
});

describe('formatting helpers', () => {
  it('escapes table cells', () => {
    expect(cell('a|b <c>\nd & e')).toBe('a&#124;b &lt;c&gt;<br>d &amp; e');
  });

  it('formats durations', () => {
    expect([
      formatDuration(850),
      formatDuration(31_000),
      formatDuration(288_000),
      formatDuration(3_900_000),
    ]).toEqual(['850ms', '31s', '4m 48s', '1h 5m']);
  });

  it('formats evidence with the query, window, values and threshold', () => {
    expect(
      formatEvidence({
        query: 'up',
        window: { start: 'a', end: 'b' },
        values: [1],
        threshold: 2,
        extra: true,
      }),
    ).toBe(
      'query <code>up</code><br>window a → b<br>seen <code>[1]</code><br>required <code>2</code><br><code>{"extra":true}</code>',
    );
  });
});

describe('summary size', () => {
  it('lists the services that do not fit under the step summary limit instead of detailing them', () => {
    const bulky = { ...report.services[1]!, diff: 'x'.repeat(300_000) };
    const big: Report = {
      ...report,
      services: Array.from({ length: 5 }, (_, i) => ({ ...bulky, name: `svc-${i}` })),
    };

    const summary = renderSummary({ ...base, report: big });

    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024);
    expect(summary).toContain('### svc-0 ');
    expect(summary).toContain('### svc-1 ');
    expect(summary).not.toContain('### svc-3 ');
    expect(summary).toContain(
      'no room for the details of 3 more services: svc-2 (rolled-back), svc-3 (rolled-back), svc-4 (rolled-back)',
    );
  });
});
