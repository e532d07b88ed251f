import { randomUUID } from 'node:crypto';
import { AwsApiError } from './errors';
import type { AwsQueryService, QueryParams } from './query-protocol';

/** A message as the topic received it. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly messageId: string;
  readonly subject?: string;
  /** The message every subscriber gets (with MessageStructure json: its `default`). */
  readonly message: string;
  /** With MessageStructure json: the message per protocol (`email`, `https`, ...), `default` included. */
  readonly byProtocol?: Readonly<Record<string, string>>;
  /** Simulated epoch ms. */
  readonly at: number;
}

const NAME_RE = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * SNS, the part the orchestrator uses: topics and Publish, recorded so tests and the rehearsal can
 * read what was sent. @aws-sdk/client-sns 3.1178 speaks the AWS Query protocol (its client config
 * sets `AwsQueryProtocol`, API version 2010-03-31), so this answers through the sandbox's Query route.
 */
export class SnsTwin {
  private readonly topics = new Set<string>();
  readonly messages: PublishedMessage[] = [];

  constructor(
    private readonly region: string,
    private readonly account: string,
    private readonly now: () => number,
  ) {}

  createTopic(name: string): string {
    if (!NAME_RE.test(name))
      throw new AwsApiError('InvalidParameter', `Invalid parameter: Topic Name (${name})`);
    const arn = `arn:aws:sns:${this.region}:${this.account}:${name}`;
    this.topics.add(arn);
    return arn;
  }

  /** Messages published to `topicArn`, oldest first. */
  published(topicArn: string): PublishedMessage[] {
    return this.messages.filter((m) => m.topicArn === topicArn);
  }

  private publish(params: QueryParams): { MessageId: string } {
    const topicArn = params.string('TopicArn');
    const message = params.string('Message');
    const subject = params.string('Subject');
    if (!topicArn)
      throw new AwsApiError(
        'InvalidParameter',
        'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
      );
    if (!this.topics.has(topicArn)) throw new AwsApiError('NotFound', 'Topic does not exist', 404);
    if (!message) throw new AwsApiError('InvalidParameter', 'Invalid parameter: Empty message');
    // SNS: subjects are at most 100 ASCII characters, without line breaks or control characters.
    if (subject !== undefined && (subject.length > 100 || /[^\x20-\x7e]/.test(subject)))
      throw new AwsApiError('InvalidParameter', 'Invalid parameter: Subject');
    let byProtocol: Record<string, string> | undefined;
    if (params.string('MessageStructure') === 'json') {
      // SNS: a JSON object of strings per protocol, with at least `default`.
      try {
        byProtocol = JSON.parse(message) as Record<string, string>;
      } catch {
        throw new AwsApiError(
          'InvalidParameter',
          'Invalid parameter: Message Structure - JSON message body failed to parse',
        );
      }
      if (typeof byProtocol['default'] !== 'string')
        throw new AwsApiError(
          'InvalidParameter',
          'Invalid parameter: Message Structure - No default entry in JSON message body',
        );
    }
    const messageId = randomUUID();
    this.messages.push({
      topicArn,
      messageId,
      message: byProtocol?.['default'] ?? message,
      at: this.now(),
      ...(subject !== undefined ? { subject } : {}),
      ...(byProtocol ? { byProtocol } : {}),
    });
    return { MessageId: messageId };
  }

  service(): AwsQueryService {
    return {
      version: '2010-03-31',
      xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/',
      operations: {
        Publish: (params) => this.publish(params),
        CreateTopic: (params) => ({ TopicArn: this.createTopic(params.string('Name') ?? '') }),
      },
    };
  }
}
