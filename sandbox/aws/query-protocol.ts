import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsApiError } from './errors';
import { readBody } from './protocol';

/**
 * The AWS Query protocol (IAM, STS): a form-encoded POST to "/" naming `Action` and `Version`,
 * lists flattened as `Name.member.N`, structures as `Name.Field`; the answer is XML,
 * `<{Action}Response><{Action}Result>...</{Action}Result><ResponseMetadata>...`, and errors are
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */

/** A value the XML writer knows: text, a list (`<member>` items) or a structure. */
export type XmlValue =
  string | number | boolean | undefined | readonly XmlValue[] | { readonly [k: string]: XmlValue };

/** The request's form fields, with readers for the flattened list and structure forms. */
export class QueryParams {
  constructor(private readonly form: URLSearchParams) {}

  string(name: string): string | undefined {
    return this.form.get(name) ?? undefined;
  }

  /** `Name.member.1`, `Name.member.2`, ... in order, stopping at the first gap (as AWS does). */
  list(name: string): string[] {
    const out: string[] = [];
    for (let i = 1; this.form.has(`${name}.member.${i}`); i++)
      out.push(this.form.get(`${name}.member.${i}`) ?? '');
    return out;
  }

  /** `Name.member.N.*` as one QueryParams per member, its fields read without the prefix. */
  structs(name: string): QueryParams[] {
    const out: QueryParams[] = [];
    for (let i = 1; ; i++) {
      const prefix = `${name}.member.${i}.`;
      const fields = [...this.form.entries()].filter(([k]) => k.startsWith(prefix));
      if (fields.length === 0) return out;
      out.push(
        new QueryParams(
          new URLSearchParams(fields.map(([k, v]): [string, string] => [k.slice(prefix.length), v])),
        ),
      );
    }
  }
}

export interface AwsQueryService {
  /** The API version clients send (IAM: 2010-05-08). */
  readonly version: string;
  /** The namespace the real service's XML answers carry. */
  readonly xmlns: string;
  /** Throw AwsApiError for service errors (its `type` is the Query error Code). */
  readonly operations: Readonly<Record<string, (params: QueryParams) => Promise<XmlValue> | XmlValue>>;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function toXml(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toXml('member', v)).join('')}</${name}>`;
  if (typeof value === 'object')
    return `<${name}>${Object.entries(value as Record<string, XmlValue>)
      .map(([k, v]) => toXml(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

let requestCounter = 0;
function requestId(): string {
  requestCounter += 1;
  return `sandbox-query-${process.pid}-${requestCounter}`;
}

function sendXml(res: ServerResponse, status: number, body: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId(),
  });
  res.end(text);
}

/**
 * The form of a Query-protocol request (a form post to "/"), or null for any other request. The
 * body stays readable on the request (readBody keeps it), so each Query service's route can read
 * the form and tell its own `Version`.
 */
export async function queryProtocolForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const type = req.headers['content-type'] ?? '';
  if (
    req.method !== 'POST' ||
    !/^\/(\?|$)/.test(req.url ?? '') ||
    !type.startsWith('application/x-www-form-urlencoded')
  )
    return null;
  return new URLSearchParams((await readBody(req)).toString('utf8'));
}

/**
 * A route answering Query-protocol requests for the services given (told apart by `Version`).
 * Only form posts to "/" are taken: the AMP stand-in's form-encoded queries go to their own paths.
 */
export function queryProtocolRoute(services: readonly AwsQueryService[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const form = await queryProtocolForm(req);
    if (!form) return false;
    const service = services.find((s) => s.version === form.get('Version'));
    const xmlns = service?.xmlns ?? '';
    const action = form.get('Action') ?? '';
    try {
      if (!service)
        throw new AwsApiError(
          'InvalidAction',
          `no sandbox service answers Version ${form.get('Version') ?? '(none)'}`,
        );
      const op = service.operations[action];
      if (!op) throw new AwsApiError('InvalidAction', `operation ${action} is not supported by the sandbox`);
      const result = await op(new QueryParams(form));
      const id = requestId();
      sendXml(
        res,
        200,
        `<${action}Response xmlns="${xmlns}">${toXml(`${action}Result`, result)}` +
          `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`,
      );
    } catch (error) {
      const e =
        error instanceof AwsApiError
          ? error
          : new AwsApiError('ServiceFailure', error instanceof Error ? error.message : String(error), 500);
      sendXml(
        res,
        e.status,
        `<ErrorResponse xmlns="${xmlns}"><Error><Type>${e.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
          `<Code>${escapeXml(e.type)}</Code><Message>${escapeXml(e.message)}</Message></Error>` +
          `<RequestId>${requestId()}</RequestId></ErrorResponse>`,
      );
    }
    return true;
  };
}
