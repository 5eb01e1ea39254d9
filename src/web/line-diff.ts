import type { PatchLine } from './patch-files.ts'

/** Past this many cells the longest-common-subsequence table is not worth it: the lines show as all removed, then all added. */
const maxTableCells = 250_000

/**
 * Two texts compared line by line, as a patch shows them: lines only in
 * `before` removed (`-`), only in `after` added (`+`), common ones as context.
 * Lines shared at both ends are matched first; the rest by the longest common
 * subsequence (or, when both sides are long, not matched at all).
 *
 * @example
 *   lineDiff('a\nb\nc', 'a\nB\nc') // ' a', '-b', '+B', ' c'
 */
export function lineDiff(before: string, after: string): PatchLine[] {
  const old = lines(before)
  const next = lines(after)
  let start = 0
  while (start < old.length && start < next.length && old[start] === next[start]) start++
  let end = 0
  while (end < old.length - start && end < next.length - start && old[old.length - 1 - end] === next[next.length - 1 - end]) end++
  const context = (line: string): PatchLine => ({ kind: 'context', text: ` ${line}` })
  const middle = changedLines(old.slice(start, old.length - end), next.slice(start, next.length - end))
  return [...old.slice(0, start).map(context), ...middle, ...old.slice(old.length - end).map(context)]
}

/** A text's lines; a line break at its end ends its last line rather than starting an empty one. */
function lines(text: string): string[] {
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')
}

function changedLines(old: string[], next: string[]): PatchLine[] {
  const removed = (line: string): PatchLine => ({ kind: 'removed', text: `-${line}` })
  const added = (line: string): PatchLine => ({ kind: 'added', text: `+${line}` })
  if (old.length === 0 || next.length === 0 || old.length * next.length > maxTableCells) return [...old.map(removed), ...next.map(added)]
  // common[i][j]: the longest common subsequence of old[i..] and next[j..].
  const common = Array.from({ length: old.length + 1 }, () => new Uint32Array(next.length + 1))
  for (let i = old.length - 1; i >= 0; i--) {
    for (let j = next.length - 1; j >= 0; j--) common[i]![j] = old[i] === next[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!)
  }
  const lines: PatchLine[] = []
  let i = 0
  let j = 0
  while (i < old.length && j < next.length) {
    if (old[i] === next[j]) {
      lines.push({ kind: 'context', text: ` ${old[i]}` })
      i++
      j++
    } else if (common[i + 1]![j]! >= common[i]![j + 1]!) lines.push(removed(old[i++]!))
    else lines.push(added(next[j++]!))
  }
  return [...lines, ...old.slice(i).map(removed), ...next.slice(j).map(added)]
}
