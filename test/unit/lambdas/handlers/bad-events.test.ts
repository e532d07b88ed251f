import { LAMBDAS } from '../../../../lambdas/catalog';
import { EXECUTION_ARN } from '../fixtures';

// Every catalog Lambda, loaded by its file name as the infra bundles it.
const handlers = LAMBDAS.map((l) => [l.id, l.file] as const);

describe('every handler refuses a bad event with InputInvalidError naming the field', () => {
  beforeEach(() => {
    process.env.LOCK_TABLE_NAME = 'locks';
  });

  it.each(handlers)('%s: no action', async (_id, file) => {
    const { handler } = (await import(`../../../../lambdas/handlers/${file}`)) as {
      handler: (e: unknown) => Promise<unknown>;
    };
    await expect(handler({ executionArn: EXECUTION_ARN, state: {} })).rejects.toMatchObject({
      name: 'InputInvalidError',
      message: expect.stringMatching(/action/),
    });
  });

  it.each(handlers)('%s: not an object', async (_id, file) => {
    const { handler } = (await import(`../../../../lambdas/handlers/${file}`)) as {
      handler: (e: unknown) => Promise<unknown>;
    };
    await expect(handler('go')).rejects.toMatchObject({ name: 'InputInvalidError' });
  });
});
