import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePlanText, MAX_ALIAS_COUNT, parsePlanText } from '../../../../core/plan/parse-text';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/plans', name), 'utf8');

describe('decodePlanText', () => {
  it('refuses an alias bomb as a problem of the document instead of expanding it', () => {
    const decoded = decodePlanText(fixture('alias-bomb.yaml'));
    expect(decoded).toEqual({
      ok: false,
      problems: [
        {
          path: '',
          message: expect.stringMatching(
            new RegExp(`^too many aliases: .*more than ${MAX_ALIAS_COUNT} copies`),
          ),
        },
      ],
    });
  });

  it('says so when an alias names no anchor before it', () => {
    expect(decodePlanText('cluster: *nowhere\n')).toEqual({
      ok: false,
      problems: [
        { path: '', message: expect.stringMatching(/^not valid YAML\/JSON: Unresolved alias.*nowhere/) },
      ],
    });
  });

  it('keeps anchors and aliases that a hand-written plan uses', () => {
    const text = `shared: &labels [service_name, cluster]\nfirst: *labels\nsecond: *labels\n`;
    expect(decodePlanText(text)).toEqual({
      ok: true,
      document: {
        shared: ['service_name', 'cluster'],
        first: ['service_name', 'cluster'],
        second: ['service_name', 'cluster'],
      },
    });
  });

  it('refuses a top level that is not a mapping', () => {
    expect(decodePlanText('- a\n- b\n')).toEqual({
      ok: false,
      problems: [{ path: '', message: 'expected a mapping (an object) at the top of the plan' }],
    });
  });
});

describe('parsePlanText', () => {
  it('reports an alias bomb as a plan problem rather than throwing', () => {
    const result = parsePlanText(fixture('alias-bomb.yaml'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toMatch(/too many aliases/);
  });
});
