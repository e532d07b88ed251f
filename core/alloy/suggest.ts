/** Edit distance between two names (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The candidate a misspelt name most likely meant, or undefined. Besides small typos, a name whose
 * words all appear in a candidate counts as close: `max_retries` -> `max_backoff_retries`.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const words = name.split(/[._]/).filter(Boolean);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    let score = editDistance(name, candidate);
    const candidateWords = new Set(candidate.split(/[._]/));
    if (candidate.startsWith(name) || words.every((w) => candidateWords.has(w))) score = Math.min(score, 2);
    if (score < bestScore || (score === bestScore && best !== undefined && candidate < best)) {
      best = candidate;
      bestScore = score;
    }
  }
  return bestScore <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** " (did you mean "x"?)" or "". */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const guess = closest(name, candidates);
  return guess ? ` (did you mean ${JSON.stringify(guess)}?)` : '';
}
