import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { HistoryReader } from '../../action/src/history-reader';
import { RequestPacer } from '../../action/src/pacer';
import { entered, executionArn, FakeStepFunctions } from './fake-sfn';

const ARN = executionArn('migrate-1-1-a-b');

function setup() {
  const fake = new FakeStepFunctions();
  const pacer = new RequestPacer(
    { now: () => fake.now, sleep: fake.sleep },
    { minIntervalMs: 250, maxAttempts: 3, baseBackoffMs: 1000, maxBackoffMs: 20_000 },
  );
  return { fake, pacer, reader: new HistoryReader(fake.client, ARN, pacer, 100) };
}

const states = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => entered(`${prefix}${i}`));

describe('HistoryReader', () => {
  it('returns every event once, oldest first, across pages of the largest size', async () => {
    const { fake, reader } = setup();
    fake.at(0, ARN, states(1200, 'a'));

    const first = await reader.readNew();

    expect(first.map((e) => e.id)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(fake.mock).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 2);
    expect(fake.mock.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input).toEqual({
      executionArn: ARN,
      reverseOrder: true,
      maxResults: 1000,
      includeExecutionData: true,
    });
  });

  it('continues a later read with full pages when its first page holds only new events', async () => {
    const { fake, reader } = setup();
    fake.at(0, ARN, states(250, 'a')).at(1, ARN, states(150, 'b'));
    await reader.readNew();
    await fake.sleep(5000);
    fake.mock.resetHistory();

    const next = await reader.readNew();

    expect(next.map((e) => e.id)).toEqual(Array.from({ length: 150 }, (_, i) => i + 251));
    expect(fake.mock).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 2);
    const pages = fake.mock.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input);
    expect(pages).toMatchObject([{ maxResults: 100 }, { maxResults: 1000, nextToken: '100' }]);
  });

  it('remembers when the latest read and the one before it were sent', async () => {
    const { fake, reader } = setup();
    fake.at(0, ARN, states(3, 'a'));
    await reader.readNew();
    expect([reader.previousReadAt, reader.readAt]).toEqual([undefined, 0]);

    await fake.sleep(4000);
    await reader.readNew();

    expect([reader.previousReadAt, reader.readAt]).toEqual([0, 4000]);
  });

  it('reads only the newest page when a few events were added', async () => {
    const { fake, reader } = setup();
    fake.at(0, ARN, states(250, 'a')).at(1, ARN, states(5, 'b'));
    await reader.readNew();
    await fake.sleep(5000);
    fake.mock.resetHistory();

    const next = await reader.readNew();

    expect(next.map((e) => e.stateEnteredEventDetails?.name)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect(fake.mock).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 1);
    expect(fake.mock).toHaveReceivedCommandWith(GetExecutionHistoryCommand, {
      executionArn: ARN,
      reverseOrder: true,
      maxResults: 100,
    });
    expect(await reader.readNew()).toEqual([]);
  });

  it('sizes the first page of a later read to twice what the read before found, from 25 to 100', async () => {
    const { fake, reader } = setup();
    fake.at(0, ARN, states(250, 'a')).at(1, ARN, states(20, 'b')).at(2, ARN, states(3, 'c'));
    await reader.readNew();
    await fake.sleep(5000);
    await reader.readNew();
    await fake.sleep(5000);
    await reader.readNew();
    await reader.readNew();

    const sizes = fake.mock.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input.maxResults);
    expect(sizes).toEqual([1000, 100, 40, 25]);
  });

  it('keeps requests apart by the minimum interval', async () => {
    const { fake, reader } = setup();
    fake.at(0, ARN, states(2500, 'a'));

    await reader.readNew();

    expect(fake.sleeps).toEqual([250, 250]);
  });

  it('gives up with ThrottledError after the last attempt', async () => {
    const { fake, reader } = setup();
    fake.mock.on(GetExecutionHistoryCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    await expect(reader.readNew()).rejects.toMatchObject({
      name: 'ThrottledError',
      message: expect.stringContaining('kept throttling'),
    });
    expect(fake.sleeps).toEqual([1000, 2000]);
  });

  it('does not retry an error that will not go away', async () => {
    const { fake, reader } = setup();
    fake.mock.on(GetExecutionHistoryCommand).rejects(
      Object.assign(new Error('Execution Does Not Exist'), {
        name: 'ExecutionDoesNotExist',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    await expect(reader.readNew()).rejects.toMatchObject({ name: 'ServiceNotFoundError' });
    expect(fake.mock).toHaveReceivedCommandTimes(GetExecutionHistoryCommand, 1);
  });
});
