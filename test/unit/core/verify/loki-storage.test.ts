import {
  assessChunksFlushed,
  defaultChunkPrefix,
  type ChunksFlushedInput,
} from '../../../../core/verify/loki-storage';

const since = Date.parse('2026-12-03T12:00:00.400Z');
const base: ChunksFlushedInput = {
  bucket: 'temporal-loki-chunks',
  prefix: 'fake/',
  sinceMs: since,
  atMs: since + 20_000,
  flush: { status: 204 },
  listing: { objects: [] },
};
const object = (key: string, at: string) => ({ key, lastModifiedMs: Date.parse(at), size: 1024 });

describe('assessChunksFlushed', () => {
  it('files chunks under the tenant, "fake" without one', () => {
    expect(defaultChunkPrefix(undefined)).toBe('fake/');
    expect(defaultChunkPrefix('team-a')).toBe('team-a/');
  });

  it('passes on an object written since the canary, counting the canary second itself', () => {
    const result = assessChunksFlushed({
      ...base,
      listing: {
        objects: [
          object('fake/old/1:2:3', '2026-12-03T11:00:00.000Z'),
          object('fake/9f/18c:18d:beef', '2026-12-03T12:00:00.000Z'),
        ],
      },
    });
    expect(result).toMatchObject({ name: 'loki-chunks-flushed', verdict: 'passed' });
    expect(result.evidence['values']).toMatchObject({ flush: 204, listed: 2, written: 1 });
    expect(result.evidence['threshold']).toContain('LastModified at or after 2026-12-03T12:00:00.000Z');
  });

  it('says so when the listing stopped at its page limit: a new chunk may lie past the listed keys', () => {
    const result = assessChunksFlushed({
      ...base,
      listing: { objects: [object('fake/old/1:2:3', '2026-12-03T11:59:59.000Z')], truncated: true },
    });
    expect(result.verdict).toBe('pending');
    expect(result.message).toMatch(/the listing stopped at 1 keys and the prefix holds more/);
    expect(result.message).toContain('add "chunks-flushed" to loki.skipChecks');
    expect(result.evidence['values']).toMatchObject({ listed: 1, truncated: true });
  });

  it('is pending while only older objects are there', () => {
    const result = assessChunksFlushed({
      ...base,
      listing: { objects: [object('fake/old/1:2:3', '2026-12-03T11:59:59.000Z')] },
    });
    expect(result.verdict).toBe('pending');
    expect(result.message).toContain('(1 older) after POST /flush answered 204');
  });

  it('is pending on an empty bucket', () => {
    expect(assessChunksFlushed(base).verdict).toBe('pending');
  });

  it('is an error when the bucket could not be listed', () => {
    const result = assessChunksFlushed({ ...base, listing: { error: 'AccessDenied' } });
    expect(result).toMatchObject({ verdict: 'error', message: expect.stringContaining('AccessDenied') });
  });
});
