/**
 * The parent loop appends with `States.Array($.run.done, $.last)`, since ASL has no append: the
 * list arrives nested as [[[], a], b]. This gives back [a, b], in order.
 */
export function flattenDone(nested: unknown): unknown[] {
  const out: unknown[] = [];
  let node: unknown = nested;
  const reversed: unknown[] = [];
  while (Array.isArray(node) && node.length === 2 && Array.isArray(node[0])) {
    reversed.push(node[1]);
    node = node[0];
  }
  // The innermost array is the initial [] (or a flat list written by hand).
  if (Array.isArray(node)) out.push(...node);
  out.push(...reversed.reverse());
  return out;
}
