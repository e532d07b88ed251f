import { formatDuration, parseDuration } from '../../../../core/plan/duration';
import { parsePlanOrThrow } from '../../../../core/plan/parse';
import {
  alloyImage,
  ampBaseUrl,
  ampRemoteWriteUrl,
  configParameterName,
  configPrefix,
  findService,
  logGroupFor,
  lokiPushUrl,
  orderedServices,
} from '../../../../core/plan/resolve';

const base = {
  cluster: 'temporal-dev',
  region: 'eu-west-1',
  loki: { url: 'http://loki:3100/' },
  amp: { workspaceId: 'ws-abc' },
  phases: [
    { name: 'one', services: [{ name: 'a', ecsService: 'ea' }] },
    {
      name: 'two',
      enabled: false,
      services: [
        { name: 'b', ecsService: 'eb' },
        { name: 'c', ecsService: 'ec' },
      ],
    },
  ],
};

describe('parseDuration / formatDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '5 m', '1d', '-5s', 'm5', '1.5m'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('formats back to the largest whole unit', () => {
    expect([3_600_000, 300_000, 90_000, 1500, 0].map(formatDuration)).toEqual([
      '1h',
      '5m',
      '90s',
      '1500ms',
      '0s',
    ]);
  });
});

describe('resolved defaults', () => {
  const plan = parsePlanOrThrow(base);

  it('derives the config parameter and URLs', () => {
    expect(configPrefix(plan)).toBe('/alloy-rollout/temporal-dev');
    expect(configParameterName(plan, 'history')).toBe('/alloy-rollout/temporal-dev/history/config.alloy');
    expect(configParameterName(parsePlanOrThrow({ ...base, configPrefix: '/x/y' }), 'a')).toBe(
      '/x/y/a/config.alloy',
    );
    expect(lokiPushUrl(plan)).toBe('http://loki:3100/loki/api/v1/push');
    expect(ampBaseUrl(plan)).toBe('https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-abc');
    expect(ampRemoteWriteUrl(plan)).toBe(
      'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-abc/api/v1/remote_write',
    );
    expect(alloyImage(plan)).toBe('grafana/alloy:v1.18.1');
  });

  it('lists services in rollout order with their phase', () => {
    expect(orderedServices(plan).map((s) => [s.name, s.phase, s.phaseEnabled])).toEqual([
      ['a', 'one', true],
      ['b', 'two', false],
      ['c', 'two', false],
    ]);
    expect(findService(plan, 'c')?.ecsService).toBe('ec');
    expect(findService(plan, 'zz')).toBeUndefined();
  });

  it('fills in the log group pattern', () => {
    expect(logGroupFor(plan, 'history', 'temporal-history')).toBe('/ecs/temporal-dev/temporal-history');
    const custom = parsePlanOrThrow({
      ...base,
      rollback: { logGroupPattern: '/{cluster}/{service}/{container}' },
    });
    expect(logGroupFor(custom, 'history', 'main')).toBe('/temporal-dev/history/main');
  });
});
