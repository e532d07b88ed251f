import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { EVENT_LAMBDAS, LAMBDAS } from '../../../../lambdas/catalog';
import { instrumentedAs } from '../../../../lambdas/observability/instrumented';

const HANDLERS = path.resolve(__dirname, '../../../../lambdas/handlers');

/** Every .ts file under lambdas/handlers, subfolders included. */
function handlerFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? handlerFiles(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe('every Lambda entry point is instrumented (logs and traces its decisions)', () => {
  it.each([...LAMBDAS, ...EVENT_LAMBDAS].map((l) => [l.id, l.file] as const))(
    'catalog entry %s: lambdas/handlers/%s.ts exports handler = instrumented(<its id>, ...)',
    async (id, file) => {
      const mod = (await import(path.join(HANDLERS, `${file}.ts`))) as { handler?: unknown };
      expect(typeof mod.handler).toBe('function');
      expect(instrumentedAs(mod.handler)).toBe(id);
    },
  );

  it('no handler file exports a bare handler', async () => {
    const bare: string[] = [];
    for (const file of handlerFiles(HANDLERS)) {
      const mod = (await import(file)) as { handler?: unknown };
      if (mod.handler !== undefined && instrumentedAs(mod.handler) === undefined)
        bare.push(path.relative(HANDLERS, file));
    }
    expect(bare).toEqual([]);
  });
});
