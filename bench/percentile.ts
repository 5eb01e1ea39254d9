/** The value at `share` (0.5 for p50) of numbers sorted ascending; NaN when there are none. */
export function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? NaN
}

/** A sorted copy, ascending. */
export const sorted = (numbers: number[]) => [...numbers].sort((a, b) => a - b)
