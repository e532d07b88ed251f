import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputInvalidError } from '../../../../core/errors';
import { awslogsMultiline, datetimeFormatToRegex } from '../../../../core/taskdef/awslogs-multiline';

const LOGS = join(__dirname, '../../../fixtures/logs');
/** Lines as a container wrote them (Temporal's Go output), without the trailing newline. */
const lines = (name: string) => readFileSync(join(LOGS, name), 'utf8').replace(/\n$/, '').split('\n');

/**
 * What stage.multiline does with one stream's lines (grafana/alloy v1.18.1
 * internal/component/loki/process/stages/multiline.go, processEntry): a line the regex matches
 * anywhere starts a block, any other line is appended with "\n"; lines before the first match
 * pass alone. Timeouts and max_lines are left out: these lines arrive at once and are few.
 */
function join_(firstline: string, input: readonly string[]): string[] {
  const start = new RegExp(firstline);
  const out: string[] = [];
  let block: string[] | null = null;
  for (const line of input) {
    if (start.test(line)) {
      if (block) out.push(block.join('\n'));
      block = [line];
    } else if (block) block.push(line);
    else out.push(line);
  }
  if (block) out.push(block.join('\n'));
  return out;
}

const awslogs = (options: Record<string, string>) => ({
  logDriver: 'awslogs',
  options: { 'awslogs-group': '/ecs/temporal', ...options },
});

describe('awslogs-datetime-format as Docker translates it', () => {
  it('replaces each strftime code by its regex and leaves the text around it as is', () => {
    expect(datetimeFormatToRegex('%Y/%m/%d %H:%M:%S')).toBe(
      '\\d{4}/(?:0[1-9]|1[0-2])/(?:0[1-9]|[1,2][0-9]|3[0,1]) (?:[0,1][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]',
    );
    expect(datetimeFormatToRegex('[%b %d]')).toBe(
      '[(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?:0[1-9]|[1,2][0-9]|3[0,1])]',
    );
  });

  it('drops a code Docker does not list, as Docker does', () => {
    expect(datetimeFormatToRegex('%e-%Y')).toBe('-\\d{4}');
  });
});

describe('awslogsMultiline', () => {
  it('joins a Go panic trace after a std-log line into one entry (awslogs-datetime-format)', () => {
    const setting = awslogsMultiline('history', awslogs({ 'awslogs-datetime-format': '%Y/%m/%d %H:%M:%S' }));
    expect(setting).toEqual({ firstline: datetimeFormatToRegex('%Y/%m/%d %H:%M:%S'), maxWaitTime: '5s' });
    const entries = join_(setting?.firstline ?? '', lines('go-panic.log'));
    expect(entries).toHaveLength(2);
    expect(entries[0]?.split('\n')).toHaveLength(11);
    expect(entries[0]).toMatch(/^2026\/12\/03 13:05:37 history: shard 12 acquired\npanic: runtime error/);
    expect(entries[0]).toMatch(/server\.go:1029 \+0x8b$/);
    expect(entries[1]).toBe('2026/12/03 13:05:38 history: restarting');
  });

  it('joins the plain stack after a zap JSON line to that line (awslogs-multiline-pattern)', () => {
    const setting = awslogsMultiline(
      'history',
      awslogs({ 'awslogs-multiline-pattern': '^\\{', 'awslogs-force-flush-interval-seconds': '2' }),
    );
    expect(setting).toEqual({ firstline: '^\\{', maxWaitTime: '2s' });
    const entries = join_(setting?.firstline ?? '', lines('zap-json-then-stack.log'));
    expect(entries).toHaveLength(3);
    const [info, error, noLevel] = entries;
    expect(JSON.parse(info ?? '')).toMatchObject({ level: 'info' });
    // The block starts with the JSON line: stage.json, run before stage.multiline, read its level.
    expect(JSON.parse(error?.split('\n')[0] ?? '')).toMatchObject({ level: 'error' });
    expect(error?.split('\n')).toHaveLength(7);
    expect(error).toMatch(/executable\.go:351 \+0x7b\nHello world from a fmt\.Println$/);
    expect(JSON.parse(noLevel ?? '')).not.toHaveProperty('level');
  });

  it('is null without a multi-line option, for another driver, or when the format leaves no regex', () => {
    expect(awslogsMultiline('a', awslogs({}))).toBeNull();
    expect(awslogsMultiline('a', undefined)).toBeNull();
    expect(
      awslogsMultiline('a', { logDriver: 'json-file', options: { 'awslogs-multiline-pattern': 'x' } }),
    ).toBeNull();
    expect(awslogsMultiline('a', awslogs({ 'awslogs-datetime-format': '%e' }))).toBeNull();
  });

  it('refuses both options at once and a flush interval Docker would not take, naming them', () => {
    expect(() =>
      awslogsMultiline(
        'history',
        awslogs({ 'awslogs-multiline-pattern': '^x', 'awslogs-datetime-format': '%Y' }),
      ),
    ).toThrow(InputInvalidError);
    expect(() =>
      awslogsMultiline(
        'history',
        awslogs({ 'awslogs-multiline-pattern': '^x', 'awslogs-datetime-format': '%Y' }),
      ),
    ).toThrow(/container "history": awslogs-multiline-pattern and awslogs-datetime-format are both set/);
    expect(() =>
      awslogsMultiline(
        'history',
        awslogs({ 'awslogs-multiline-pattern': '^x', 'awslogs-force-flush-interval-seconds': '1.5' }),
      ),
    ).toThrow(/awslogs-force-flush-interval-seconds is "1.5"; expected a positive whole number/);
  });
});
