import { describeFault, FAULT_GRAMMAR, FaultInjector, parseFault } from '../../../sandbox/faults';

describe('Loki storage faults', () => {
  it.each([
    ['loki:retention-off', 'loki-retention-off'],
    ['loki:no-s3-endpoint', 'loki-no-s3-endpoint'],
    ['loki:chunks-not-flushed', 'loki-chunks-not-flushed'],
  ] as const)('%s parses, is listed in the grammar and is seen by has()', (spec, kind) => {
    const fault = parseFault(spec);
    expect(fault).toEqual({ kind });
    expect(FAULT_GRAMMAR).toContain(spec);
    expect(describeFault(fault)).toBe(kind);
    expect(new FaultInjector([fault]).has(kind)).toBe(true);
    expect(new FaultInjector([]).has(kind)).toBe(false);
  });

  it('an unknown Loki fault names the grammar', () => {
    expect(() => parseFault('loki:retention')).toThrow(/unknown Loki fault "retention".*loki:retention-off/);
  });
});
