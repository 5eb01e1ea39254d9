function bigrams(text: string): Map<string, number> {
  const counts = new Map<string, number>()
  const squeezed = text.replace(/\s+/g, ' ').trim()
  for (let index = 0; index < squeezed.length - 1; index++) {
    const pair = squeezed.slice(index, index + 2)
    counts.set(pair, (counts.get(pair) ?? 0) + 1)
  }
  return counts
}

/** Dice coefficient over character bigrams, whitespace-insensitive: 1 is identical. */
export function similarity(a: string, b: string): number {
  const left = bigrams(a)
  const right = bigrams(b)
  let shared = 0
  let total = 0
  for (const [pair, count] of left) {
    shared += Math.min(count, right.get(pair) ?? 0)
    total += count
  }
  for (const count of right.values()) total += count
  return total === 0 ? (a.trim() === b.trim() ? 1 : 0) : (2 * shared) / total
}

export interface Candidate {
  line: number
  text: string
  score: number
}

/** The windows of the file (as many lines as the needle) most like the needle, best first. */
export function closestCandidates(haystack: string, needle: string, count = 3): Candidate[] {
  const lines = haystack.split('\n')
  const height = Math.max(1, needle.replace(/\n$/, '').split('\n').length)
  const candidates: Candidate[] = []
  for (let start = 0; start + height <= lines.length; start++) {
    const text = lines.slice(start, start + height).join('\n')
    candidates.push({ line: start + 1, text, score: similarity(text, needle) })
  }
  return candidates
    .sort((a, b) => b.score - a.score || a.line - b.line)
    .filter((candidate, index, all) => all.findIndex((other) => Math.abs(other.line - candidate.line) < height && other.score >= candidate.score) === index)
    .slice(0, count)
}
