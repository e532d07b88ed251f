import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ASL_SUBSTITUTIONS, LAMBDAS, functionArnSubstitution } from '../../lambdas/catalog';
import { placeholdersIn, readDefinition } from '../../infra/state-machine';
import { REPO_ROOT } from './support';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-asl-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (text: string) => {
  const file = path.join(dir, 'rollout.asl.json');
  fs.writeFileSync(file, text);
  return file;
};

describe('placeholdersIn', () => {
  it('lists each ${Name} once, in order', () => {
    expect(placeholdersIn('{"a":"${AFunctionArn}","b":"${LockTableName}","c":"${AFunctionArn}"}')).toEqual([
      'AFunctionArn',
      'LockTableName',
    ]);
  });
});

describe('readDefinition', () => {
  it('refuses a placeholder nobody fills, naming it and the ones that are filled', () => {
    const file = write('{"Resource":"${MissingFunctionArn}"}');
    expect(() => readDefinition(file, { LockFunctionArn: 'x' })).toThrow(
      /no value for \$\{MissingFunctionArn\}; expected only \$\{LockFunctionArn\}/,
    );
  });

  it('refuses a file that is not JSON, or is missing', () => {
    expect(() => readDefinition(write('{"States": '), {})).toThrow(/not valid JSON/);
    expect(() => readDefinition(path.join(dir, 'none.json'), {})).toThrow(/cannot be read/);
  });

  it('accepts the repository ASL with the catalog substitutions', () => {
    const substitutions: Record<string, string> = { [ASL_SUBSTITUTIONS.lockTable]: 't' };
    for (const spec of LAMBDAS) substitutions[functionArnSubstitution(spec.id)] = `arn:${spec.id}`;
    const file = path.join(REPO_ROOT, 'statemachine', 'rollout.asl.json');
    expect(readDefinition(file, substitutions)).toBe(fs.readFileSync(file, 'utf8'));
  });
});
