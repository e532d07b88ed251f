import { selectServices } from '../../../../core/orchestration';
import { parsePlanOrThrow } from '../../../../core/plan/parse';

const plan = parsePlanOrThrow({
  cluster: 'c',
  region: 'eu-west-1',
  loki: { url: 'http://loki:3100' },
  amp: { workspaceId: 'ws-1' },
  phases: [
    { name: 'canary', services: [{ name: 'worker', ecsService: 'w' }] },
    {
      name: 'core',
      services: [
        { name: 'history', ecsService: 'h' },
        { name: 'matching', ecsService: 'm' },
      ],
    },
    { name: 'later', enabled: false, services: [{ name: 'bench', ecsService: 'b' }] },
  ],
});
const names = (list: { name: string }[]) => list.map((s) => s.name);

describe('selectServices', () => {
  it('migrate: enabled phases by default, in plan order', () => {
    expect(names(selectServices(plan, 'migrate', undefined, undefined))).toEqual([
      'worker',
      'history',
      'matching',
    ]);
    expect(names(selectServices(plan, 'migrate', undefined, 'enabled'))).toEqual([
      'worker',
      'history',
      'matching',
    ]);
  });
  it('up to and including a phase', () => {
    expect(names(selectServices(plan, 'migrate', undefined, 'canary'))).toEqual(['worker']);
    expect(names(selectServices(plan, 'migrate', undefined, 'later'))).toEqual([
      'worker',
      'history',
      'matching',
      'bench',
    ]);
  });
  it('rollback: every phase by default', () => {
    expect(names(selectServices(plan, 'rollback', undefined, undefined))).toEqual([
      'worker',
      'history',
      'matching',
      'bench',
    ]);
  });
  it('named services keep plan order', () => {
    expect(names(selectServices(plan, 'migrate', ['matching', 'worker'], undefined))).toEqual([
      'worker',
      'matching',
    ]);
  });
  it('names what is unknown and what was expected', () => {
    expect(() => selectServices(plan, 'migrate', ['histroy'], undefined)).toThrow(
      /"histroy" are not in the plan; expected some of worker, history, matching, bench/,
    );
    expect(() => selectServices(plan, 'migrate', undefined, 'cor')).toThrow(
      /phase "cor" is not in the plan; expected one of canary, core, later or "enabled"/,
    );
  });
});
