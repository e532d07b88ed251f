import { findReport, HistoryInterpreter, parseCause, progressOf } from '../../action/src/history-events';
import report from '../fixtures/action/report-rolled-back.json';
import {
  childSubmitted,
  entered,
  executionArn,
  executionFailed,
  executionSucceeded,
  exited,
  lambdaSucceeded,
  lambdaTaskSucceeded,
  numbered,
  progress,
  taskFailed,
} from './fake-sfn';

const PARENT = executionArn('migrate-1-1-acme-platform');
const CHILD = executionArn('migrate-1-1-acme-platform-history');

describe('HistoryInterpreter', () => {
  it('turns Lambda results into progress, in order, with the evidence', () => {
    const interpreter = new HistoryInterpreter(PARENT);

    const updates = interpreter.interpret(
      numbered([
        entered('Lock'),
        lambdaSucceeded(progress('lock', 'ok', 'cluster locked')),
        exited('Lock', progress('lock', 'ok', 'cluster locked')),
        entered('VerifyLogs'),
        lambdaTaskSucceeded(
          progress('logs', 'failed', 'task f00d missing', {
            service: 'history',
            evidence: { missing: ['f00d'] },
          }),
        ),
      ]),
    );

    expect(updates).toEqual([
      { kind: 'progress', progress: { step: 'lock', status: 'ok', message: 'cluster locked' } },
      {
        kind: 'progress',
        progress: {
          step: 'logs',
          status: 'failed',
          message: 'task f00d missing',
          service: 'history',
          evidence: { missing: ['f00d'] },
        },
      },
    ]);
  });

  it('takes progress from a state exit when the engine recorded no Lambda event for it', () => {
    const updates = new HistoryInterpreter(PARENT).interpret(
      numbered([
        entered('Deployment'),
        exited('Deployment', {
          progress: { service: 'history', step: 'deployment', status: 'pending', message: '1/3 tasks' },
        }),
      ]),
    );

    expect(updates).toEqual([
      {
        kind: 'progress',
        progress: { service: 'history', step: 'deployment', status: 'pending', message: '1/3 tasks' },
      },
    ]);
  });

  it('announces each child execution once', () => {
    const interpreter = new HistoryInterpreter(PARENT);
    const succeeded = {
      type: 'TaskSucceeded' as const,
      taskSucceededEventDetails: {
        resourceType: 'states',
        resource: 'startExecution.sync:2',
        output: JSON.stringify({ ExecutionArn: CHILD, Output: '{}' }),
      },
    };

    const updates = interpreter.interpret(numbered([entered('Service'), childSubmitted(CHILD), succeeded]));

    expect(updates).toEqual([{ kind: 'child', executionArn: CHILD }]);
  });

  it('reports failed tasks with the state they happened in', () => {
    const updates = new HistoryInterpreter(PARENT).interpret(
      numbered([entered('Register'), taskFailed('UnmigratableError', 'no ADOT container')]),
    );

    expect(updates).toEqual([
      { kind: 'task-failed', state: 'Register', error: 'UnmigratableError', cause: 'no ADOT container' },
    ]);
  });

  it('shows what a Lambda or a child execution threw, not the wrapping', () => {
    const lambda = JSON.stringify({
      errorType: 'LockHeldError',
      errorMessage: 'rollout x already running',
      trace: [],
    });
    const child = JSON.stringify({
      ExecutionArn: CHILD,
      Status: 'FAILED',
      Error: 'RolledBack',
      Cause: '{"check":"logs","message":"missing"}',
    });

    const updates = new HistoryInterpreter(PARENT).interpret(
      numbered([
        entered('Lock'),
        taskFailed('Lambda.Unknown', lambda),
        entered('MigrateService'),
        taskFailed('States.TaskFailed', child),
      ]),
    );

    expect(updates).toEqual([
      { kind: 'task-failed', state: 'Lock', error: 'LockHeldError', cause: 'rollout x already running' },
      {
        kind: 'task-failed',
        state: 'MigrateService',
        error: 'RolledBack',
        cause: '{"check":"logs","message":"missing"}',
      },
    ]);
  });

  it('reads a child failure in the SDK casing too', () => {
    const child = JSON.stringify({
      executionArn: CHILD,
      status: 'FAILED',
      error: 'RolledBack',
      cause: 'logs missing',
    });

    const updates = new HistoryInterpreter(PARENT).interpret(
      numbered([taskFailed('States.TaskFailed', child)]),
    );

    expect(updates).toEqual([{ kind: 'task-failed', error: 'RolledBack', cause: 'logs missing' }]);
  });

  it('finds the full report in the Finalize output, bare or wrapped', () => {
    const fromLambda = new HistoryInterpreter(PARENT).interpret(
      numbered([
        entered('Finalize'),
        lambdaTaskSucceeded({
          report,
          progress: { step: 'finalize', status: 'ok', message: 'lock released' },
        }),
      ]),
    );
    const fromExit = new HistoryInterpreter(PARENT).interpret(
      numbered([entered('Finalize'), exited('Finalize', report)]),
    );

    expect(fromLambda.filter((u) => u.kind === 'report')).toEqual([{ kind: 'report', report }]);
    expect(fromExit).toEqual([{ kind: 'report', report }]);
  });

  it('ignores reports outside Finalize and results that are not progress', () => {
    const updates = new HistoryInterpreter(PARENT).interpret(
      numbered([
        entered('Other'),
        lambdaSucceeded({ report }),
        lambdaSucceeded({ progress: { step: 'x', status: 'exploded' } }),
        lambdaSucceeded('not json'),
      ]),
    );

    expect(updates).toEqual([]);
  });

  it('ends with the execution', () => {
    const interpreter = new HistoryInterpreter(PARENT);

    expect(interpreter.interpret(numbered([executionSucceeded({ ok: 1 })]))).toEqual([
      { kind: 'end', end: { status: 'SUCCEEDED', output: '{"ok":1}' } },
    ]);
    expect(interpreter.interpret(numbered([executionFailed('RolledBack', '{"check":"logs"}')]))).toEqual([
      { kind: 'end', end: { status: 'FAILED', error: 'RolledBack', cause: '{"check":"logs"}' } },
    ]);
  });
});

describe('progressOf', () => {
  it('accepts one entry or a list, bare or under Payload', () => {
    const entry = { step: 'register', status: 'ok', message: 'rev 8' };

    expect(progressOf({ progress: entry })).toEqual([entry]);
    expect(progressOf({ Payload: { progress: [entry, entry] } })).toHaveLength(2);
    expect(progressOf({ progress: { step: 'register', status: 'ok', message: 'x', service: 7 } })).toEqual(
      [],
    );
  });
});

describe('findReport', () => {
  it('reads a report from a DescribeExecution-shaped Output string', () => {
    expect(findReport({ Output: JSON.stringify(report) })).toEqual(report);
    expect(findReport({ status: 'SUCCEEDED' })).toBeUndefined();
  });
});

describe('parseCause', () => {
  it('reads the compact cause JSON', () => {
    expect(
      parseCause('{"service":"history","check":"logs","message":"missing","evidence":{"n":0}}', 'RolledBack'),
    ).toEqual({ service: 'history', check: 'logs', message: 'missing', evidence: { n: 0 } });
  });

  it('keeps a plain-text cause readable', () => {
    expect(parseCause('Lambda timed out', 'States.Timeout')).toEqual({
      check: 'States.Timeout',
      message: 'Lambda timed out',
    });
    expect(parseCause(undefined, undefined)).toEqual({ check: 'execution', message: 'no cause given' });
  });
});
