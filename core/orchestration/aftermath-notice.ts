import { EXECUTION_FAILURES } from '../execution';
import type { EndedStatus } from './execution-ended-event';

/** What the cleanup did, as the notice tells it. */
export type CleanupDone =
  | { readonly kind: 'none'; readonly reason: string }
  | {
      readonly kind: 'lock-released';
      readonly reason: string;
      /** False when the lock was no longer this run's by the time of the delete. */
      readonly released: boolean;
      readonly needsPeople: boolean;
      readonly leftAsIs: readonly string[];
    }
  | {
      readonly kind: 'recovery';
      readonly reason: string;
      readonly recoveryArn: string;
      readonly services: readonly string[];
      /** True when this delivery found the recovery already started (an event delivered twice). */
      readonly alreadyStarted: boolean;
    };

export interface NoticeInput {
  readonly cluster: string | undefined;
  readonly region: string;
  readonly executionArn: string;
  readonly mode: string;
  readonly status: EndedStatus;
  readonly error: string | undefined;
  readonly cause: string | undefined;
  readonly requestedBy: string | undefined;
  readonly cleanup: CleanupDone;
}

/**
 * A custom notification of AWS Chatbot (Amazon Q Developer in chat applications), the only form it
 * posts from an SNS topic besides AWS services' own events: version "1.0", source "custom", content
 * title/description (client-markdown), nextSteps, and metadata
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html).
 */
export interface ChatNotification {
  readonly version: '1.0';
  readonly source: 'custom';
  readonly content: {
    readonly textType: 'client-markdown';
    readonly title: string;
    readonly description: string;
    readonly nextSteps: readonly string[];
  };
  readonly metadata: {
    readonly summary: string;
    readonly eventType: string;
    readonly relatedResources: readonly string[];
  };
}

export interface Notice {
  /** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
  readonly subject: string;
  /** Plain text, for people (email). */
  readonly message: string;
  /** The same for a chat channel (AWS Chatbot). */
  readonly chat: ChatNotification;
}

const CAUSE_EXCERPT = 1200;

/** What happened, in a few words, from the status and the Fail state's error. */
export function outcomeWords(status: EndedStatus, error: string | undefined): string {
  if (status === 'ABORTED') return 'rollout stopped';
  if (status === 'TIMED_OUT') return 'rollout timed out';
  switch (error) {
    case EXECUTION_FAILURES.RolledBack:
      return 'rolled back';
    case EXECUTION_FAILURES.Failed:
      return 'rollout failed, people must look';
    case EXECUTION_FAILURES.Refused:
      return 'rollout refused';
    case EXECUTION_FAILURES.VerifyFailed:
      return 'verify found drift or unhealthy services';
    default:
      return `rollout failed (${error ?? 'no error name'})`;
  }
}

/** The Step Functions console page of an execution. */
export function consoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

function subjectText(text: string): string {
  // SNS refuses subjects with control characters or over 100 characters.
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 97)}...`;
}

function cleanupLines(c: CleanupDone): string[] {
  switch (c.kind) {
    case 'none':
      return [`Cleanup: nothing to do (${c.reason}).`];
    case 'lock-released':
      return [
        c.released
          ? `Cleanup: the cluster lock is released (${c.reason}).`
          : `Cleanup: the lock was no longer held by this run, nothing released (${c.reason}).`,
        ...(c.leftAsIs.length > 0
          ? [`Services left as they were, to roll back by hand (mode rollback): ${c.leftAsIs.join(', ')}.`]
          : []),
      ];
    case 'recovery':
      return [
        `Cleanup: ${c.alreadyStarted ? 'the recovery rollback was already started' : 'started a recovery rollback'}: ${c.recoveryArn}`,
        `Services it puts back on ADOT + CloudWatch: ${c.services.join(', ')} (${c.reason}).`,
        'It takes over the cluster lock and releases it when done; follow it in the console.',
      ];
  }
}

/** The notification an on-call engineer reads: what ended, how, where to look and what was cleaned up. */
export function executionEndedNotice(n: NoticeInput): Notice {
  const cluster = n.cluster ?? '(unknown cluster)';
  const what = outcomeWords(n.status, n.error);
  const done =
    n.cleanup.kind === 'recovery'
      ? ', recovery rollback started'
      : n.cleanup.kind === 'lock-released' && n.cleanup.needsPeople
        ? ', lock released, people must look'
        : '';
  const cause = n.cause ?? '';
  const lines = [
    `alloy-rollout on cluster ${cluster}: ${what}.`,
    '',
    `Execution: ${n.executionArn}`,
    `Console: ${consoleUrl(n.region, n.executionArn)}`,
    `Mode: ${n.mode}${n.requestedBy ? `, requested by ${n.requestedBy}` : ''}`,
    `Status: ${n.status}${n.error ? `, error ${n.error}` : ''}`,
    ...(cause
      ? [
          `Cause: ${cause.length > CAUSE_EXCERPT ? `${cause.slice(0, CAUSE_EXCERPT)}... (full cause in the console)` : cause}`,
        ]
      : []),
    '',
    ...cleanupLines(n.cleanup),
  ];
  const subject = subjectText(`alloy-rollout ${cluster}: ${what}${done}`);
  const related = [n.executionArn, ...(n.cleanup.kind === 'recovery' ? [n.cleanup.recoveryArn] : [])];
  return {
    subject,
    message: lines.join('\n'),
    chat: {
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: subject,
        description: [
          `*${n.status}*${n.error ? ` (${n.error})` : ''}: <${consoleUrl(n.region, n.executionArn)}|${n.executionArn}>`,
          ...(cause ? [`Cause: ${cause.slice(0, 500)}${cause.length > 500 ? '...' : ''}`] : []),
          ...cleanupLines(n.cleanup),
        ].join('\n'),
        nextSteps: nextSteps(n.cleanup),
      },
      metadata: { summary: subject, eventType: 'alloy-rollout execution ended', relatedResources: related },
    },
  };
}

function nextSteps(c: CleanupDone): string[] {
  switch (c.kind) {
    case 'recovery':
      return ['Follow the recovery execution in the Step Functions console until it ends.'];
    case 'lock-released':
      return c.needsPeople
        ? [`Roll back by hand (mode rollback) the services left as they were: ${c.leftAsIs.join(', ')}.`]
        : ['Nothing was left half migrated; start the rollout again when ready.'];
    case 'none':
      return ['Read the cause and the report in the console.'];
  }
}
