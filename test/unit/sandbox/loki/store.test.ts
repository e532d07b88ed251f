import { LokiStore } from '../../../../sandbox/loki/store';
import { InputInvalidError } from '../../../../core/errors';

const NOW = 1_700_000_000_000;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const all = { name: 'service_name', matches: (v: string) => v !== '' };

describe('LokiStore', () => {
  it('accepts out-of-order entries, keeps them sorted and drops exact duplicates', () => {
    const store = new LokiStore({ now: () => NOW });
    store.push([
      {
        stream: { service_name: 'a' },
        values: [
          [ns(NOW - 1), 'second'],
          [ns(NOW - 3), 'first'],
        ],
      },
    ]);
    store.push([
      {
        stream: { service_name: 'a' },
        values: [
          [ns(NOW - 2), 'middle'],
          [ns(NOW - 3), 'first'],
        ],
      },
    ]);
    expect(store.select('fake', [all])[0]?.entries.map(([, line]) => line)).toEqual([
      'first',
      'middle',
      'second',
    ]);
  });

  it('keeps two lines with the same timestamp and different text', () => {
    const store = new LokiStore({ now: () => NOW });
    store.push([
      {
        stream: { service_name: 'a' },
        values: [
          [ns(NOW), 'x'],
          [ns(NOW), 'y'],
        ],
      },
    ]);
    expect(store.select('fake', [all])[0]?.entries).toHaveLength(2);
  });

  it('adds service_name from the discovery labels, or unknown_service, as Loki 3 does', () => {
    const store = new LokiStore({ now: () => NOW });
    store.push([
      { stream: { container_name: 'history', job: 'j' }, values: [[ns(NOW), 'l']] },
      { stream: { cluster: 'dev' }, values: [[ns(NOW), 'l']] },
    ]);
    expect(store.select('fake', [all]).map((s) => s.labels)).toEqual([
      { container_name: 'history', job: 'j', service_name: 'history' },
      { cluster: 'dev', service_name: 'unknown_service' },
    ]);
  });

  it('can leave service_name alone', () => {
    const store = new LokiStore({ now: () => NOW, discoverServiceName: false });
    store.push([{ stream: { app: 'x' }, values: [[ns(NOW), 'l']] }]);
    expect(store.select('fake', [{ name: 'app', matches: (v) => v === 'x' }])[0]?.labels).toEqual({
      app: 'x',
    });
  });

  it('keeps tenants apart', () => {
    const store = new LokiStore({ now: () => NOW, multiTenant: true });
    store.push([{ stream: { service_name: 'a' }, values: [[ns(NOW), 'l']] }], { tenant: 'team-a' });
    expect(store.select('team-a', [all])).toHaveLength(1);
    expect(store.select('team-b', [all])).toHaveLength(0);
  });

  const rejections: [what: string, streams: unknown, message: string | RegExp][] = [
    [
      'no labels',
      [{ stream: {}, values: [[ns(NOW), 'l']] }],
      'error at least one label pair is required per stream',
    ],
    [
      'only empty labels',
      [{ stream: { a: '' }, values: [[ns(NOW), 'l']] }],
      'error at least one label pair is required per stream',
    ],
    [
      'an invalid label name',
      [{ stream: { 'bad-name': 'x' }, values: [] }],
      /^Error parsing labels '\{bad-name="x"\}' with error: invalid label name "bad-name"/,
    ],
    [
      'a numeric timestamp',
      [{ stream: { a: 'x' }, values: [[Number(NOW), 'l']] }],
      /values\[0\]\[0\] must be a string of integer nanoseconds/,
    ],
    [
      'a timestamp in seconds text',
      [{ stream: { a: 'x' }, values: [['1.5', 'l']] }],
      /must be a string of integer nanoseconds/,
    ],
    [
      'a non-string line',
      [{ stream: { a: 'x' }, values: [[ns(NOW), 42]] }],
      /values\[0\]\[1\] must be the log line as a string/,
    ],
    [
      'a timestamp too far in the future',
      [{ stream: { app: 'x' }, values: [[ns(NOW + 11 * 60_000), 'l']] }],
      `entry for stream '{app="x", service_name="x"}' has timestamp too new: 2023-11-14 22:24:20 +0000 UTC`,
    ],
    [
      'a timestamp older than a week',
      [{ stream: { app: 'x' }, values: [[ns(NOW - 8 * 86_400_000), 'l']] }],
      /^entry for stream '\{app="x", service_name="x"\}' has timestamp too old: 2023-11-06 22:13:20 \+0000 UTC, oldest acceptable timestamp is: 2023-11-07 22:13:20 \+0000 UTC$/,
    ],
  ];

  it.each(rejections)("rejects %s with a 400 and Loki's text", (_what, streams, message) => {
    const store = new LokiStore({ now: () => NOW });
    let caught: unknown;
    try {
      store.push(streams as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputInvalidError);
    expect((caught as InputInvalidError).details['status']).toBe(400);
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  });

  it('stores the valid entries of a push that also carried invalid ones', () => {
    const store = new LokiStore({ now: () => NOW });
    expect(() =>
      store.push([
        {
          stream: { service_name: 'a' },
          values: [
            [ns(NOW), 'ok'],
            [ns(NOW + 3_600_000), 'future'],
          ],
        },
      ]),
    ).toThrow(/too new/);
    expect(store.select('fake', [all])[0]?.entries.map(([, line]) => line)).toEqual(['ok']);
  });

  it('finds streams active in a window', () => {
    const store = new LokiStore({ now: () => NOW });
    store.push([
      { stream: { service_name: 'a' }, values: [[ns(NOW - 10_000), 'l']] },
      { stream: { service_name: 'b' }, values: [[ns(NOW), 'l']] },
    ]);
    const from = BigInt(NOW - 5_000) * 1_000_000n;
    const to = BigInt(NOW) * 1_000_000n;
    expect(store.active('fake', from, to).map((s) => s.labels['service_name'])).toEqual(['b']);
    store.clear();
    expect(store.active('fake', 0n, to)).toEqual([]);
  });
});
