import fc from 'fast-check';
import { hostileText } from './arbitraries';
import { checkQuery } from '../../../../core/queries/grammar';
import { seriesCountForService, upByTask } from '../../../../core/queries/promql';

describe('PromQL builders', () => {
  it('counts the series of a service', () => {
    expect(seriesCountForService('history')).toBe('count({service_name="history",job!="integrations/self"})');
  });

  it('selects up of a service', () => {
    expect(upByTask('benchmark-worker')).toBe('up{service_name="benchmark-worker",job!="integrations/self"}');
  });

  it("leaves Alloy's own series out: a sidecar that scrapes nothing of the application counts nothing", () => {
    expect(upByTask('history')).toContain('job!="integrations/self"');
    expect(seriesCountForService('history')).toContain('job!="integrations/self"');
  });

  it('escapes quotes and newlines so the query stays one string', () => {
    expect(upByTask('a"b\nc')).toBe('up{service_name="a\\"b\\nc",job!="integrations/self"}');
  });

  it('gives the official grammar a valid query for any service name', () => {
    fc.assert(
      fc.property(hostileText(), (service) => {
        expect(checkQuery('promql', seriesCountForService(service))).toBeNull();
        expect(checkQuery('promql', upByTask(service))).toBeNull();
      }),
    );
  });

  it('refuses an empty service name (the selector would match every series)', () => {
    expect(() => upByTask('')).toThrow(/non-empty value/);
  });
});
