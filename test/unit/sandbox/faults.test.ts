import {
  describeFault,
  FaultInjector,
  parseFault,
  parseFaults,
  serviceFaultSpec,
} from '../../../sandbox/faults';

describe('parseFault', () => {
  it.each([
    ['history:deployment-fails', { kind: 'deployment-fails', service: 'history' }],
    [
      'history:rollback-deployment-fails-once',
      { kind: 'rollback-deployment-fails-once', service: 'history' },
    ],
    ['history:no-logs', { kind: 'no-logs', service: 'history' }],
    ['history:missing-label=level', { kind: 'missing-label', service: 'history', label: 'level' }],
    ['benchmark-worker:broken-json', { kind: 'broken-json', service: 'benchmark-worker' }],
    ['history:no-metrics', { kind: 'no-metrics', service: 'history' }],
    [
      'history:broken-json-after=60s',
      { kind: 'broken-json-after', service: 'history', after: '60s', afterMs: 60_000 },
    ],
    [
      'history:no-logs-after=1m30s',
      { kind: 'no-logs-after', service: 'history', after: '1m30s', afterMs: 90_000 },
    ],
    ['history:flapping-metrics', { kind: 'flapping-metrics', service: 'history' }],
    ['history:alloy-crash', { kind: 'alloy-crash', service: 'history' }],
    ['history:metric-renamed', { kind: 'metric-renamed', service: 'history' }],
    ['frontend:app-logs-missing', { kind: 'app-logs-missing', service: 'frontend' }],
    ['history:alloy-dropping', { kind: 'alloy-dropping', service: 'history' }],
    ['history:remote-write-rejected', { kind: 'remote-write-rejected', service: 'history' }],
    [
      'history:alloy-crash-after=90s',
      { kind: 'alloy-crash-after', service: 'history', after: '90s', afterMs: 90_000 },
    ],
    ['loki:not-ready', { kind: 'loki-not-ready' }],
    ['loki:http-429x3', { kind: 'loki-http', status: 429, times: 3 }],
    ['loki:http-500x2', { kind: 'loki-http', status: 500, times: 2 }],
    ['loki:canary-dropped', { kind: 'loki-canary-dropped' }],
    ['amp:baseline-error', { kind: 'amp-baseline-error' }],
    ['ecs:throttlex3', { kind: 'ecs-throttle', times: 3 }],
    ['lock:held', { kind: 'lock-held' }],
    ['sfn:child-start-lost', { kind: 'sfn-child-start-lost' }],
  ])('reads %s', (spec, expected) => {
    expect(parseFault(spec)).toEqual(expected);
  });

  it.each([
    ['history', 'missing "<target>:"'],
    ['history:explode', 'unknown service fault "explode"'],
    ['history:missing-label=1abc', 'is not a Loki label name'],
    ['loki:http-404x1', 'status must be 429 or 5xx'],
    ['loki:http-429', 'missing the count'],
    ['ecs:throttlex0', 'count must be a whole number'],
    ['lock:free', 'unknown lock fault'],
    ['sfn:child-start-slow', 'unknown Step Functions fault "child-start-slow"'],
    ['amp:baseline-errors', 'unknown AMP fault "baseline-errors"'],
    ['amp:no-metrics', 'unknown AMP fault "no-metrics"'],
    ['loki:canary-dropped=1', 'unknown Loki fault "canary-dropped=1"'],
    [':no-logs', 'missing "<target>:"'],
    [
      'history:broken-json-after',
      'missing the duration (broken-json-after=<duration>, e.g. broken-json-after=60s)',
    ],
    ['history:no-logs-after=', 'missing the duration (no-logs-after=<duration>, e.g. no-logs-after=60s)'],
    [
      'history:broken-json-after=abc',
      '"abc" is not a duration (a whole number and a unit, ms, s, m or h: 60s, 5m, 1h30m)',
    ],
    ['history:no-logs-after=60', '"60" is not a duration'],
    ['history:no-logs-after=1.5m', '"1.5m" is not a duration'],
    ['history:no-logs-after=0s', 'the duration must be longer than 0s (from the start, use no-logs)'],
    ['history:broken-json-after=25h', 'the duration must be at most 24h, got "25h"'],
    ['history:broken-json=60s', 'broken-json takes no value'],
    ['history:flapping-metrics=30s', 'flapping-metrics takes no value'],
    ['history:no-logs-before=60s', 'unknown service fault "no-logs-before=60s"'],
    ['history:alloy-crash=60s', 'alloy-crash takes no value'],
    ['history:metric-renamed=service_requests', 'metric-renamed takes no value'],
    ['frontend:app-logs-missing=envoy', 'app-logs-missing takes no value'],
    ['history:alloy-dropping=10%', 'alloy-dropping takes no value'],
    ['history:remote-write-rejected=400', 'remote-write-rejected takes no value'],
    ['history:alloy-crash-after', 'missing the duration (alloy-crash-after=<duration>'],
    ['history:alloy-crash-after=0s', 'the duration must be longer than 0s;'],
  ])('refuses %s, naming the problem and the grammar', (spec, why) => {
    expect(() => parseFault(spec)).toThrow(
      expect.objectContaining({ name: 'InputInvalidError', message: expect.stringContaining(why) }),
    );
    expect(() => parseFault(spec)).toThrow(/expected one of: <service>:deployment-fails/);
  });
});

describe('describeFault', () => {
  it.each([
    ['history:no-logs', 'history: no-logs'],
    ['history:missing-label=level', 'history: missing-label (level)'],
    [
      'history:broken-json-after=60s',
      'history: broken-json-after 60s (lines not JSON from 60s after each Alloy task started)',
    ],
    [
      'history:no-logs-after=2m',
      'history: no-logs-after 2m (nothing reaches Loki from 2m after each Alloy task started)',
    ],
    [
      'history:flapping-metrics',
      'history: flapping-metrics (scrapes answer 30s, then fail with HTTP 500 30s, repeating)',
    ],
    [
      'history:alloy-crash',
      'history: alloy-crash (each Alloy sidecar exits once, 15s after its restart period)',
    ],
    [
      'history:alloy-crash-after=30s',
      'history: alloy-crash-after 30s (each Alloy sidecar exits once, 30s after its task started)',
    ],
    [
      'history:metric-renamed',
      'history: metric-renamed (Alloy tasks export service_requests as service_requests_total)',
    ],
    [
      'frontend:app-logs-missing',
      "frontend: app-logs-missing (only non-essential helper containers' lines reach Loki)",
    ],
    ['history:alloy-dropping', 'history: alloy-dropping (loki.write drops every 10th entry and counts it)'],
    [
      'history:remote-write-rejected',
      'history: remote-write-rejected (AMP answers 400 to 25% of the samples Alloy writes)',
    ],
    ['loki:http-429x3', 'loki: HTTP 429 x3'],
    ['ecs:throttlex2', 'ecs: throttle x2'],
    ['lock:held', 'lock-held'],
    [
      'sfn:child-start-lost',
      'sfn: child-start-lost (the first start of each child execution starts it but fails the task once; its Retry starts it again)',
    ],
  ])('%s reads "%s"', (spec, text) => {
    expect(describeFault(parseFault(spec))).toBe(text);
  });
});

describe('serviceFaultSpec', () => {
  it.each([
    'history:no-logs',
    'history:missing-label=level',
    'history:broken-json-after=90s',
    'x:flapping-metrics',
    'history:alloy-crash',
    'history:alloy-crash-after=2m',
    'history:metric-renamed',
    'frontend:app-logs-missing',
    'history:alloy-dropping',
    'history:remote-write-rejected',
  ])('gives %s back as it was written', (spec) => {
    const fault = parseFault(spec);
    if (!('service' in fault)) throw new Error(`${spec} is not a service fault`);
    expect(serviceFaultSpec(fault)).toBe(spec);
  });
});

describe('FaultInjector', () => {
  it('counts down counted faults and then serves normally', () => {
    const f = new FaultInjector(parseFaults(['ecs:throttlex2', 'loki:http-503x1']));
    expect([f.ecsThrottle(), f.ecsThrottle(), f.ecsThrottle()]).toEqual([true, true, false]);
    expect(f.lokiHttpError()).toEqual({ status: 503, body: 'Service Unavailable\n' });
    expect(f.lokiHttpError()).toBeNull();
  });

  it('matches services by ECS name or by plan name through aliases', () => {
    const f = new FaultInjector(parseFaults(['history:no-logs']), {
      history: 'temporal-dev-temporal-history',
    });
    expect(f.forService('no-logs', 'temporal-dev-temporal-history')).toEqual({
      kind: 'no-logs',
      service: 'history',
    });
    expect(f.forService('no-logs', 'temporal-dev-temporal-matching')).toBeUndefined();
    expect(f.forService('broken-json', 'temporal-dev-temporal-history')).toBeUndefined();
  });

  it('finds the timed faults with their onset', () => {
    const f = new FaultInjector(parseFaults(['history:no-logs-after=45s', 'history:flapping-metrics']), {
      history: 'temporal-dev-temporal-history',
    });
    expect(f.forService('no-logs-after', 'temporal-dev-temporal-history')?.afterMs).toBe(45_000);
    expect(f.forService('broken-json-after', 'temporal-dev-temporal-history')).toBeUndefined();
    expect(f.forService('flapping-metrics', 'temporal-dev-temporal-history')).toBeDefined();
    expect(f.forService('no-logs', 'temporal-dev-temporal-history')).toBeUndefined();
  });

  it('keeps the evidence faults on for the whole run (they are not counted)', () => {
    const f = new FaultInjector(parseFaults(['amp:baseline-error', 'loki:canary-dropped']));
    expect([f.has('amp-baseline-error'), f.has('amp-baseline-error')]).toEqual([true, true]);
    expect([f.has('loki-canary-dropped'), f.has('loki-not-ready')]).toEqual([true, false]);
    expect(new FaultInjector(parseFaults(['loki:not-ready'])).has('loki-canary-dropped')).toBe(false);
  });

  it('fires a once-only fault once', () => {
    const f = new FaultInjector(parseFaults(['svc:rollback-deployment-fails-once']));
    expect([
      f.fireOnce('rollback-deployment-fails-once', 'svc'),
      f.fireOnce('rollback-deployment-fails-once', 'svc'),
    ]).toEqual([true, false]);
  });
});
