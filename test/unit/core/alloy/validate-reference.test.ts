import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAlloy } from '../../../../core/alloy';

// Copies of /work/shared/reference/alloy-examples: Alloy v1.18.1 configs from its docs and test data.
const DIR = join(__dirname, '../../../fixtures/alloy/reference');
const read = (name: string) => readFileSync(join(DIR, name), 'utf8');
const header = (text: string, key: string) => new RegExp(`^// ${key}: (.*)$`, 'm').exec(text)?.[1];

const valid = readdirSync(DIR).filter((f) => f.endsWith('.alloy'));
const bad = readdirSync(join(DIR, 'bad')).map((f) => `bad/${f}`);

describe('validateAlloy on the reference examples', () => {
  it('has the full set of examples', () => {
    expect(valid.length).toBeGreaterThanOrEqual(29);
    expect(bad.length).toBeGreaterThanOrEqual(24);
  });

  it.each(valid)('%s validates with no errors', (name) => {
    const text = read(name);
    const result = validateAlloy(text);
    expect(result.errors).toEqual([]);
    const expected = header(text, 'expect-warning');
    if (expected) expect(result.warnings.map((w) => w.message)).toContain(expected);
    else expect(result.warnings).toEqual([]);
  });

  it.each(bad)('%s fails with the expected message', (name) => {
    const text = read(name);
    const expected = header(text, 'expect');
    expect(expected).toBeDefined();
    const result = validateAlloy(text);
    expect(result.errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringContaining(expected as string)]),
    );
    // Each error points at a real line of the file.
    for (const error of result.errors) expect(error.line).toBeGreaterThan(0);
  });

  it('accepts a real but undescribed component under allowUnlisted, as a warning', () => {
    const text = read('bad/unlisted-component.alloy');
    expect(header(text, 'ok-with')).toBe('--allow-unlisted');
    const result = validateAlloy(text, { allowUnlisted: true });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'component "prometheus.exporter.unix" exists in Alloy v1.18.1 but is not covered by this validator\'s schema',
    ]);
  });
});
