import type { DiffStatEntry } from '../git/index.ts'
import { terminalText } from '../terminal/index.ts'

const colours = { added: '\u001b[32m', removed: '\u001b[31m', hunk: '\u001b[36m', header: '\u001b[1m', reset: '\u001b[0m' }

const paint = (text: string, colour: string, on: boolean) => (on && text !== '' ? `${colour}${text}${colours.reset}` : text)

/** The widest graph of `+` and `-` a file gets in the stat, as git draws it on a terminal of 80 columns. */
const graphWidth = 40

/**
 * `git diff --stat` as git prints it, from the stat entries: each file with its
 * lines changed and a graph of `+` and `-`, then the totals. Paths are shown
 * through terminalText (a file name from a model cannot steer the terminal).
 *
 * @example
 *   formatDiffStat([{ path: 'src/a.ts', added: 2, removed: 1 }], false)
 *   // ' src/a.ts | 3 ++-\n 1 file changed, 2 insertions(+), 1 deletion(-)'
 */
export function formatDiffStat(stat: readonly DiffStatEntry[], colour: boolean): string {
  if (stat.length === 0) return ' no files changed'
  const names = stat.map((entry) => terminalText(entry.from === undefined ? entry.path : `${entry.from} => ${entry.path}`))
  const counts = stat.map((entry) => (entry.added === null ? 'Bin' : String(entry.added + (entry.removed ?? 0))))
  const nameWidth = Math.max(...names.map((name) => name.length))
  const countWidth = Math.max(...counts.map((count) => count.length))
  const largest = Math.max(...stat.map((entry) => (entry.added ?? 0) + (entry.removed ?? 0)))
  const scale = largest > graphWidth ? graphWidth / largest : 1
  const lines = stat.map((entry, index) => {
    const changed = (entry.added ?? 0) + (entry.removed ?? 0)
    // Scaled down, a file that changed anything still gets a mark.
    const width = changed === 0 ? 0 : Math.max(1, Math.round(changed * scale))
    const plus = changed === 0 ? 0 : Math.round(((entry.added ?? 0) / changed) * width)
    const graph = entry.added === null ? '' : ` ${paint('+'.repeat(plus), colours.added, colour)}${paint('-'.repeat(width - plus), colours.removed, colour)}`
    return ` ${names[index]!.padEnd(nameWidth)} | ${counts[index]!.padStart(countWidth)}${graph}`.trimEnd()
  })
  const added = stat.reduce((sum, entry) => sum + (entry.added ?? 0), 0)
  const removed = stat.reduce((sum, entry) => sum + (entry.removed ?? 0), 0)
  const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`
  const totals = [plural(stat.length, 'file changed', 'files changed'), added > 0 && `${plural(added, 'insertion', 'insertions')}(+)`, removed > 0 && `${plural(removed, 'deletion', 'deletions')}(-)`]
  return [...lines, ` ${totals.filter((part) => part).join(', ')}`].join('\n')
}

/**
 * A patch for the terminal: what a terminal would act on (an escape sequence
 * a model wrote into a file) shown as escapes, and with `colour` added lines
 * green, removed ones red, hunk headers cyan and file headers bold.
 */
export function formatPatch(patch: string, colour: boolean): string {
  const safe = terminalText(patch, { multiline: true })
  if (!colour) return safe
  let inHeader = false
  return safe
    .split('\n')
    .map((line) => {
      if (line.startsWith('diff --git ')) inHeader = true
      else if (line.startsWith('@@')) inHeader = false
      if (inHeader) return paint(line, colours.header, true)
      if (line.startsWith('@@')) return paint(line, colours.hunk, true)
      if (line.startsWith('+')) return paint(line, colours.added, true)
      if (line.startsWith('-')) return paint(line, colours.removed, true)
      return line
    })
    .join('\n')
}
