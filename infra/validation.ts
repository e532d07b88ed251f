import { InputInvalidError } from '../core/errors';

/**
 * Collects every problem with a construct's props so that one synth reports them all, each naming
 * the field, what was expected and what was given.
 */
export class PropProblems {
  private readonly problems: string[] = [];

  constructor(private readonly construct: string) {}

  /** Records a problem unless `ok`; `got` is shown as JSON so empty strings and undefined stand out. */
  expect(ok: boolean, field: string, expected: string, got: unknown): void {
    if (!ok) this.problems.push(`${field}: expected ${expected}, got ${describe(got)}`);
  }

  add(field: string, message: string): void {
    this.problems.push(`${field}: ${message}`);
  }

  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const count = `${this.problems.length} problem${this.problems.length === 1 ? '' : 's'}`;
    throw new InputInvalidError(`${this.construct}: ${count} in props\n  - ${this.problems.join('\n  - ')}`, {
      problems: [...this.problems],
    });
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

export const PATTERNS = {
  /** ECS cluster/service names and similar. */
  name: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/,
  region: /^[a-z]{2}(-[a-z]+)+-\d$/,
  account: /^\d{12}$/,
  ssmPath: /^(\/[A-Za-z0-9_.-]+)+$/,
  /** A log group name; `*` allowed as a wildcard for names only known at run time. */
  logGroup: /^[A-Za-z0-9_./#*-]{1,512}$/,
  ampWorkspace: /^ws-[A-Za-z0-9-]+$/,
  roleArn: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
  secretArn: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
  oidcProviderArn: /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/,
  githubRepository: /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
} as const;
