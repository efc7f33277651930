/**
 * "Did you mean …?": the known name nearest to a mistyped one (a setting key, an integration name, an
 * environment variable), by edit distance with swapped neighbours counting as one edit.
 */

/**
 * The candidate nearest to `name`, if it is near enough to be a typo: at most `maxDistance` edits
 * (default: a third of the longer name, rounded down). Case is ignored (`twoway` finds `twoWay`); on a
 * tie the earlier candidate wins.
 */
export function closestName(
  name: string,
  candidates: Iterable<string>,
  maxDistance?: number,
): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    const limit = maxDistance ?? Math.floor(Math.max(name.length, candidate.length) / 3);
    if (distance <= limit && distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/**
 * Insertions, deletions, substitutions and swaps of two neighbours (`prot` → `port` is one edit)
 * that turn `a` into `b` (the optimal string alignment distance).
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: the distance between the first i characters of a and the first j of b.
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}
