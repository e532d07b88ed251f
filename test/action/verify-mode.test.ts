import { conclude, describeFailure } from '../../action/src/outcome';
import { renderSummary, type SummaryInput } from '../../action/src/summary';
import type { Report } from '../../core/report/types';
import { inputsFor } from './inputs-fixture';

const EXECUTION =
  'arn:aws:states:eu-west-1:123456789012:execution:alloy-rollout:verify-9876543210-1-acme-platform';
const DRIFT = 'history runs ADOT again: task definition :14 registered by something other than alloy-rollout';
const CAUSE = {
  service: 'history',
  check: 'drift',
  message: `1 of 2 service(s) failed verification: ${DRIFT}`,
};

function verifyReport(status: Report['status']): Report {
  return {
    status,
    mode: 'verify',
    cluster: 'temporal-dev',
    executionArn: EXECUTION,
    lockReleased: true,
    ...(status === 'FAILED' ? { cause: CAUSE } : {}),
    services: [
      {
        name: 'history',
        phase: 'core',
        outcome: status === 'FAILED' ? 'drifted' : 'verified',
        taskDefinitionAfter: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-history:14',
        checks: [
          {
            name: 'drift',
            verdict: status === 'FAILED' ? 'failed' : 'passed',
            message: status === 'FAILED' ? DRIFT : "history runs :8, alloy-rollout's Alloy revision",
            evidence: { query: 'ecs:DescribeTaskDefinition', values: {}, threshold: 'Alloy sidecar' },
            durationMs: 0,
          },
        ],
      },
    ],
  };
}

describe('the Action in verify mode', () => {
  it('accepts mode verify with a phase', () => {
    expect(inputsFor({ mode: 'verify', phase: 'enabled' })).toMatchObject({
      mode: 'verify',
      phase: 'enabled',
    });
  });

  it('turns a VerifyFailed execution into status VERIFY_FAILED, saying nothing was changed', () => {
    const conclusion = conclude(
      { status: 'FAILED', error: 'VerifyFailed', cause: JSON.stringify(CAUSE) },
      verifyReport('FAILED'),
    );
    expect(conclusion.status).toBe('VERIFY_FAILED');
    const failure = describeFailure(conclusion.status, conclusion.cause);
    expect(failure?.title).toBe('Verify failed: history / drift');
    expect(failure?.message).toContain('read-only: nothing was changed');
    expect(failure?.message).toContain(DRIFT);
    expect(failure?.message).not.toMatch(/rollback|rolled back/i);
  });

  it('writes an audit record that never mentions a lock, with each service judged', () => {
    const input: SummaryInput = {
      mode: 'verify',
      plan: inputsFor().plan,
      region: 'eu-west-1',
      executionArn: EXECUTION,
      status: 'VERIFY_FAILED',
      attached: false,
      report: { ...verifyReport('FAILED'), lockReleased: false },
      cause: CAUSE,
    };
    const summary = renderSummary(input);
    expect(summary).toContain('## alloy-rollout verify: ❌ VERIFY FAILED');
    expect(summary).toContain('### history (phase core): drifted');
    expect(summary).toContain(
      '| Task definition running | <code>arn:aws:ecs:eu-west-1:123456789012:task-definition/temporal-dev-history:14</code> |',
    );
    expect(summary).not.toContain('Task definition before');
    expect(summary).toContain(`check **drift**: 1 of 2 service(s) failed verification: ${DRIFT}`);
    expect(summary).not.toMatch(/lock/i);
    const { cause: _cause, ...withoutCause } = input;
    void _cause;
    const passed = renderSummary({ ...withoutCause, status: 'SUCCEEDED', report: verifyReport('SUCCEEDED') });
    expect(passed).toContain('## alloy-rollout verify: ✅ SUCCEEDED');
    expect(passed).toContain(':::verified');
  });
});
