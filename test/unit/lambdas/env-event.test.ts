import * as z from 'zod';
import { readEnv, requireEnv } from '../../../lambdas/env';
import { parseEvent, taskEventSchema } from '../../../lambdas/event';

describe('readEnv', () => {
  it('reads the lock table name, treating empty as unset', () => {
    expect(readEnv({ LOCK_TABLE_NAME: 'locks' })).toEqual({ lockTableName: 'locks' });
    expect(readEnv({ LOCK_TABLE_NAME: '' })).toEqual({ lockTableName: undefined });
  });
  it('reads the lock floor and the execution timeout as whole seconds, refusing anything else by name', () => {
    expect(readEnv({ LOCK_TTL_SECONDS: '22500', EXECUTION_TIMEOUT_SECONDS: '21600' })).toMatchObject({
      lockTtlSeconds: 22_500,
      executionTimeoutSeconds: 21_600,
    });
    expect(() => readEnv({ LOCK_TTL_SECONDS: '6h' })).toThrow(
      'environment variable LOCK_TTL_SECONDS is "6h"; expected a positive whole number of seconds',
    );
  });
  it('requireEnv names the missing variable', () => {
    expect(() => requireEnv(readEnv({}), 'lockTableName', 'LOCK_TABLE_NAME')).toThrow(
      /LOCK_TABLE_NAME is not set/,
    );
    expect(requireEnv(readEnv({ LOCK_TABLE_NAME: 't' }), 'lockTableName', 'LOCK_TABLE_NAME')).toBe('t');
  });
});

describe('parseEvent', () => {
  const schema = taskEventSchema(['poll'], z.object({ count: z.number() }));
  it('returns the typed event', () => {
    expect(parseEvent(schema, { action: 'poll', executionArn: 'arn:e', state: { count: 1 } }, 'H')).toEqual({
      action: 'poll',
      executionArn: 'arn:e',
      state: { count: 1 },
    });
  });
  it('names every wrong field', () => {
    expect(() => parseEvent(schema, { action: 'push', state: { count: 'x' } }, 'H')).toThrow(
      /^H: bad event: action: .*; executionArn: .*; state\.count: /,
    );
  });
});
