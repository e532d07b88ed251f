import { PropProblems } from '../../infra/validation';
import { checkTarget, logGroupWildcard, logGroupWildcardsOf, type RolloutTarget } from '../../infra/target';

const target: RolloutTarget = {
  clusterName: 'temporal-dev',
  region: 'eu-west-1',
  ecsServiceNames: ['temporal-dev-temporal-history'],
  configPrefix: '/alloy-rollout/temporal-dev',
  logGroupNames: ['/ecs/temporal-dev/temporal-history', '/ecs/temporal-dev/temporal-matching'],
  ampWorkspaceId: 'ws-1234',
};

describe('logGroupWildcard', () => {
  it('keeps the cluster and puts "*" for the service and container', () => {
    expect(logGroupWildcard('/ecs/{cluster}/{container}', 'temporal-dev')).toBe('/ecs/temporal-dev/*');
    expect(logGroupWildcard('/{cluster}/{service}-{container}', 'c1')).toBe('/c1/*-*');
    expect(logGroupWildcard('/{cluster}/{service}{container}', 'c1')).toBe('/c1/*');
  });
});

describe('logGroupWildcardsOf', () => {
  it("uses the target's own patterns", () => {
    expect(logGroupWildcardsOf({ ...target, logGroupWildcards: ['/ecs/temporal-dev/*'] })).toEqual([
      '/ecs/temporal-dev/*',
    ]);
  });

  it('falls back to the longest common prefix of the names', () => {
    expect(logGroupWildcardsOf(target)).toEqual(['/ecs/temporal-dev/temporal-*']);
    expect(logGroupWildcardsOf({ ...target, logGroupNames: ['/ecs/a/*', '/ecs/b'] })).toEqual(['/ecs/*']);
  });

  it('refuses to widen to every log group', () => {
    expect(() => logGroupWildcardsOf({ ...target, logGroupNames: ['/a/x', '/b/y'] })).toThrow(
      /share no name prefix to scope a pattern to; expected logGroupWildcards in the target/,
    );
  });
});

describe('checkTarget', () => {
  it('refuses a log group pattern that is a bare wildcard', () => {
    const problems = new PropProblems('T');
    checkTarget({ ...target, logGroupWildcards: ['/*'] }, problems);
    expect(() => problems.throwIfAny()).toThrow(
      /target\.logGroupWildcards\[0\]: expected a log group name pattern such as "\/ecs\/temporal-dev\/\*" \(never "\*" alone\), got "\/\*"/,
    );
  });
});
