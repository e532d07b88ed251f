import type { Stack } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { InputInvalidError } from '../core/errors';
import { estimateJsonChars, estimatePolicyChars } from './policy-size';

/** `{"Version":"2012-10-17","Statement":[` ... `]}` around the statements. */
const DOCUMENT_OVERHEAD = '{"Version":"2012-10-17","Statement":[]}'.length;

interface Piece {
  readonly statement: PolicyStatement;
  readonly resources: string[];
}

/**
 * Spreads statements, in order, over as few policy documents of at most `maxChars` as they fit in.
 * A statement whose resources do not fit in what is left of a document is split by resource list,
 * and each document receives at most one piece of a statement: a Sid stays unique within a document
 * (IAM requires it) and keeps its meaning, and its recorded wildcard reason, in every document.
 * Sizes are upper bounds (every resource list is counted with brackets), and each document is
 * measured again at the end.
 */
export function packStatements(
  stack: Stack,
  statements: readonly PolicyStatement[],
  maxChars: number,
): PolicyStatement[][] {
  const resourceless = statements.filter((s) => s.resources.length === 0);
  if (resourceless.length > 0)
    throw new InputInvalidError(
      `statements ${resourceless.map((s) => s.sid).join(', ')} name no resource; expected at least one each`,
      { sids: resourceless.map((s) => s.sid) },
    );

  const documents: Piece[][] = [];
  let current: Piece[] = [];
  let used = DOCUMENT_OVERHEAD;
  const nextDocument = () => {
    if (current.length > 0) documents.push(current);
    current = [];
    used = DOCUMENT_OVERHEAD;
  };

  for (const statement of statements) {
    // The statement with `"Resource":[]`: what a piece costs before its first resource.
    const bare = estimateJsonChars(stack, { ...statement.toStatementJson(), Resource: [] });
    let piece: Piece | undefined;
    for (const resource of statement.resources) {
      const chars = estimateJsonChars(stack, resource);
      if (piece && used + 1 + chars <= maxChars) {
        piece.resources.push(resource);
        used += 1 + chars;
        continue;
      }
      // A new piece: the rest of this statement goes to the next document.
      if (piece) nextDocument();
      if (DOCUMENT_OVERHEAD + bare + chars > maxChars)
        throw new InputInvalidError(
          `statement ${statement.sid ?? '(no Sid)'} with the one resource ${resource} needs more than ${maxChars} characters; expected shorter resource names`,
          { sid: statement.sid, maxChars },
        );
      if (used + (current.length > 0 ? 1 : 0) + bare + chars > maxChars) nextDocument();
      used += (current.length > 0 ? 1 : 0) + bare + chars;
      piece = { statement, resources: [resource] };
      current.push(piece);
    }
  }
  nextDocument();

  const packed = documents.map((pieces) =>
    pieces.map(({ statement, resources }) => statement.copy({ resources })),
  );
  for (const document of packed) {
    const size = estimatePolicyChars(stack, document);
    if (size > maxChars)
      throw new InputInvalidError(
        `a packed policy measures ${size} characters; expected at most ${maxChars}`,
        {
          size,
        },
      );
  }
  return packed;
}
