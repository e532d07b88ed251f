import { readFileSync } from 'node:fs';
import { ERROR_NAMES, RETRYABLE_ERROR_NAMES } from '../../core/errors';
import { EXECUTION_FAILURES } from '../../core/execution';
import { ASL_SUBSTITUTIONS, LAMBDAS, functionArnSubstitution } from '../../lambdas/catalog';
import { ASL_PATH, loadDefinition } from './support/runner';

// asl-validator ships no types: (definition, options) => { isValid, errors }.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require('asl-validator') as (
  definition: unknown,
  options: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errors: unknown[] };

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  Error?: string;
  QueryLanguage?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

const raw = readFileSync(ASL_PATH, 'utf8');
const definition = JSON.parse(raw) as {
  StartAt: string;
  QueryLanguage?: string;
  States: Record<string, State>;
};
const states = Object.entries(definition.States);

// Names Step Functions itself raises that the definition may match on.
const SERVICE_ERRORS = new Set([
  'States.ALL',
  'States.Timeout',
  'States.TaskFailed',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'StepFunctions.ExecutionLimitExceededException',
  'StepFunctions.SdkClientException',
  'StepFunctions.AWSStepFunctionsException',
]);

describe('statemachine/rollout.asl.json', () => {
  it('is a valid definition (asl-validator, on a copy: it mutates its input)', () => {
    const result = validator(structuredClone(loadDefinition()) as never, {
      checkPaths: true,
      checkArn: true,
    });
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('is written in JSONPath (JSONata would be ignored by the local runner)', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    for (const [, s] of states) expect(s.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(raw).not.toContain('{%');
  });

  it('uses only known substitutions, and every catalog Lambda', () => {
    const known = new Set([
      ...LAMBDAS.map((l) => functionArnSubstitution(l.id)),
      ...Object.values(ASL_SUBSTITUTIONS),
    ]);
    const used = new Set([...raw.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!));
    expect([...used].filter((u) => !known.has(u))).toEqual([]);
    for (const l of LAMBDAS) expect(used).toContain(functionArnSubstitution(l.id));
  });

  it('matches only error names that exist', () => {
    const ours = new Set<string>([...Object.values(ERROR_NAMES), ...Object.values(EXECUTION_FAILURES)]);
    const matched = states.flatMap(([, s]) =>
      [...(s.Retry ?? []), ...(s.Catch ?? [])].flatMap((r) => r.ErrorEquals),
    );
    expect(matched.filter((n) => !ours.has(n) && !SERVICE_ERRORS.has(n))).toEqual([]);
  });

  it('retries every retryable error on every Lambda state, and catches everything else', () => {
    for (const [name, s] of states.filter(([, s]) => s.Resource?.startsWith('${'))) {
      const retried = (s.Retry ?? []).flatMap((r) => r.ErrorEquals);
      for (const e of [
        ...RETRYABLE_ERROR_NAMES,
        'Lambda.ServiceException',
        'Lambda.TooManyRequestsException',
      ])
        expect([name, retried.includes(e) || retried.includes('States.ALL')]).toEqual([name, true]);
      expect([name, (s.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL'))]).toEqual([name, true]);
    }
  });

  it('ends failed executions only with the execution failure names', () => {
    const fails = states.filter(([, s]) => s.Type === 'Fail');
    expect(fails.length).toBeGreaterThan(0);
    for (const [, s] of fails) if (s.Error) expect(Object.values(EXECUTION_FAILURES)).toContain(s.Error);
  });

  it('starts children on itself with startExecution.sync:2', () => {
    const children = states.filter(([, s]) => s.Resource === 'arn:aws:states:::states:startExecution.sync:2');
    expect(children.map(([n]) => n).sort()).toEqual(['MigrateService', 'RollbackServiceChild']);
    expect(raw).toContain('"StateMachineArn.$": "$$.StateMachine.Id"');
  });

  it('has a state named Finalize whose output is the report', () => {
    expect(definition.States.Finalize?.Resource).toBe('${FinalizeFunctionArn}');
    expect(definition.States.Finalize).not.toHaveProperty('ResultPath');
  });
});
