import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SecretsManagerTwin } from '../../sandbox/aws/secrets-manager';
import { LAMBDA_LOG_FILE } from '../../sandbox/rehearse/rehearse';
import { runRehearsal, testPlan } from './support/rehearsal';

// The lines are the subject here: INFO, as a deployed function logs by default (test/setup.ts
// makes the Logger silent elsewhere). Set before the first invocation, which makes the Logger.
process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';

jest.setTimeout(200_000);

/**
 * The test plan with Loki basic auth (a Secrets Manager secret of the team's account, which the
 * rehearsal seeds) and the Grafana checkpoint (its token secret in the sandbox's Secrets Manager).
 */
function planWithCredentials(): string {
  return `${testPlan('all').replace(
    '  pushUrl: http://loki:3100/loki/api/v1/push\n',
    '  pushUrl: http://loki:3100/loki/api/v1/push\n  authSecretArn: arn:aws:secretsmanager:eu-west-1:123456789012:secret:loki-basic-auth\n',
  )}grafana:
  url: https://grafana.example.com
  datasourceUid: loki
  prometheusDatasourceUid: amp
  tokenSecretArn: arn:aws:secretsmanager:eu-west-1:123456789012:secret:grafana-token
  dashboards:
    - uid: temporal-services
      window: 2m
  deadline: 1m
`;
}

/** Every credential string in a secret's value: the value itself and each string field of its JSON. */
function credentialStrings(value: string): string[] {
  const out = [value];
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    for (const v of Object.values(parsed)) if (typeof v === 'string' && v.length >= 8) out.push(v);
    if (typeof parsed['username'] === 'string' && typeof parsed['password'] === 'string')
      out.push(Buffer.from(`${parsed['username']}:${parsed['password']}`).toString('base64'));
  } catch {
    // A plain-text secret: the value is the credential.
  }
  return out;
}

describe('alloy-rollout rehearse: the orchestrator log (Powertools lines of every Lambda)', () => {
  it('writes every decision with its keys to CloudWatch Logs and lambda-logs.jsonl, with no secret in them', async () => {
    const created: string[] = [];
    const create = SecretsManagerTwin.prototype.create;
    const spy = jest.spyOn(SecretsManagerTwin.prototype, 'create').mockImplementation(function (
      this: SecretsManagerTwin,
      ...args: Parameters<typeof create>
    ) {
      created.push(args[1]);
      return create.apply(this, args);
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'rehearsal-logs-'));
    try {
      const r = await runRehearsal([], { planText: planWithCredentials(), workDir: dir });
      expect({ exitCode: r.exitCode, status: r.report.status }).toEqual({ exitCode: 0, status: 'SUCCEEDED' });

      // Both secrets were made and read: the Loki credentials and the Grafana token.
      expect(created.map((v) => Object.keys(JSON.parse(v) as object).sort())).toEqual(
        expect.arrayContaining([['token'], ['password', 'username']]),
      );
      const text = readFileSync(path.join(dir, LAMBDA_LOG_FILE), 'utf8');
      for (const secret of created.flatMap(credentialStrings)) expect(text).not.toContain(secret);
      // ...and the rehearsal's own output printed none of the JSON lines.
      expect(r.output).not.toMatch(/^\{"level":/m);

      const lines = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const line of lines) {
        // The parent's ARN, or a child's (each service runs in a child execution of the same machine).
        expect(line).toMatchObject({
          service: 'alloy-rollout',
          executionArn: expect.stringMatching(
            /^arn:aws:states:eu-west-1:000000000000:execution:alloy-rollout:/,
          ),
        });
        expect(typeof line['level']).toBe('string');
        expect(typeof line['message']).toBe('string');
        expect(Date.parse(String(line['timestamp']))).not.toBeNaN();
      }
      // A decision line from every Lambda a successful migration runs.
      const deciders = new Set(lines.filter((l) => l['kind'] === 'decision').map((l) => l['lambdaId']));
      for (const id of [
        'Lock',
        'Preflight',
        'Loki',
        'Grafana',
        'Register',
        'UpdateService',
        'Verify',
        'Finalize',
      ])
        expect(deciders).toContain(id);
      for (const id of ['Lock', 'Preflight', 'Finalize'])
        for (const line of lines.filter((l) => l['lambdaId'] === id))
          expect(line['executionArn']).toBe(r.report.executionArn);
      // A child's lines name its service; its checks are one line each with their verdict.
      const verifyChecks = lines.filter((l) => l['lambdaId'] === 'Verify' && l['kind'] === 'check');
      expect(new Set(verifyChecks.map((l) => l['rolloutService']))).toEqual(new Set(['worker', 'history']));
      expect(verifyChecks).toContainEqual(expect.objectContaining({ check: 'logs', verdict: 'passed' }));
      expect(lines).toContainEqual(
        expect.objectContaining({ lambdaId: 'Finalize', kind: 'decision', status: 'ok', verdict: 'ok' }),
      );
      // The short section of the rehearsal's output: counts per Lambda, the file, the last decisions.
      expect(r.output).toContain(`Orchestrator log: ${lines.length} Powertools line(s)`);
      expect(r.output).toContain(path.join(dir, LAMBDA_LOG_FILE));
      expect(r.output).toMatch(/lines per Lambda: .*Verify \d+/);
      expect(r.output).toContain('  last decisions:\n');
      expect(r.output).toMatch(/^ {2}\S+ INFO Finalize: migrate SUCCEEDED; lock released$/m);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the failing decisions when the rollout rolls back', async () => {
    const r = await runRehearsal(['history:no-logs']);
    expect(r.report.status).toBe('ROLLED_BACK');
    expect(r.output).toContain('the failing decisions (last warnings and errors)');
    expect(r.output).toMatch(/WARN Verify history: .*logs/);
  });
});
