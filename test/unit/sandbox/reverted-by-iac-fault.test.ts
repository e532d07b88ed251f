import { describeFault, FAULT_GRAMMAR, parseFaults, serviceFaultSpec } from '../../../sandbox/faults';

describe('fault <service>:reverted-by-iac', () => {
  it('parses as a service fault, reads back as its spec and describes when it acts', () => {
    const [fault] = parseFaults(['history:reverted-by-iac']);
    expect(fault).toEqual({ kind: 'reverted-by-iac', service: 'history' });
    if (!fault || !('service' in fault)) throw new Error('expected a service fault');
    expect(serviceFaultSpec(fault)).toBe('history:reverted-by-iac');
    expect(describeFault(fault)).toMatch(
      /^history: reverted-by-iac \(when verify starts: .*outside alloy-rollout\)$/,
    );
    expect(FAULT_GRAMMAR).toContain('<service>:reverted-by-iac');
  });

  it('takes no value: a value is bad input naming the spec', () => {
    expect(() => parseFaults(['history:reverted-by-iac=now'])).toThrow(/fault "history:reverted-by-iac=now"/);
  });
});
