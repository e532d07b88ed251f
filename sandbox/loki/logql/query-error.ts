import { InputInvalidError } from '../../../core/errors';

/** A query Loki would answer with HTTP 400 and this plain-text message. */
export function badQuery(message: string): InputInvalidError {
  return new InputInvalidError(message, { status: 400 });
}

/**
 * A valid LogQL construct this stand-in does not evaluate. Answering 400 with the construct's
 * name is deliberate: a wrong answer would let a broken check pass in rehearsal.
 */
export function unsupported(construct: string): InputInvalidError {
  return badQuery(`unsupported by the sandbox Loki (it evaluates a subset of LogQL): ${construct}`);
}
