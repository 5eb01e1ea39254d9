import type { Node } from 'web-tree-sitter'

/**
 * One word of a simple command, as far as the command line alone decides it:
 * `known` when its value is written out, `unknown` when part of it is filled
 * in only when the shell runs the line (an expansion, a substitution, a
 * file-name pattern, a brace expansion, a `~`).
 */
export type ShellWord =
  | { kind: 'known'; source: string; value: string }
  | {
      kind: 'unknown'
      source: string
      /** The written-out text before the first part the shell fills in. */
      start: string
      /** The written-out text after the last such part. */
      end: string
      /** The shell may make several words of it, or none (an unquoted expansion, a pattern, `"$@"`). */
      splits: boolean
      /** Why the line alone cannot tell, as a clause for a message. */
      reason: string
    }

/** One character as the command receives it, or a part the shell fills in. */
type Cell = { char: string; quoted: boolean } | { filled: string; quoted: boolean; reason: string }

export function knownWord(value: string): ShellWord {
  return { kind: 'known', source: value, value }
}

/** A word the running command adds itself (such as xargs's input), which no line can tell. */
export function unknownWord(source: string, reason: string): ShellWord {
  return { kind: 'unknown', source, start: '', end: '', splits: true, reason }
}

/** The word a tree-sitter-bash word node (a word, string, concatenation, expansion…) stands for. */
export function shellWord(node: Node): ShellWord {
  const cells = expandedByShell(cellsOf(node), node.text)
  const firstFilled = cells.findIndex((cell) => 'filled' in cell)
  const text = (part: Cell[]) => part.map((cell) => ('char' in cell ? cell.char : '')).join('')
  if (firstFilled === -1) return { kind: 'known', source: node.text, value: text(cells) }
  const lastFilled = cells.findLastIndex((cell) => 'filled' in cell)
  const filled = cells.filter((cell) => 'filled' in cell)
  return {
    kind: 'unknown',
    source: node.text,
    start: text(cells.slice(0, firstFilled)),
    end: text(cells.slice(lastFilled + 1)),
    // "$@" and "${list[@]}" become one word per element even inside double quotes.
    splits: filled.some((cell) => !cell.quoted || cell.filled.includes('@')),
    reason: filled[0]!.reason,
  }
}

function cellsOf(node: Node): Cell[] {
  switch (node.type) {
    case 'command_name':
      return node.namedChildren[0] ? cellsOf(node.namedChildren[0]) : []
    case 'word':
    case 'number':
      return unquoted(node.text)
    case 'raw_string':
      return [...node.text.slice(1, -1)].map((char) => ({ char, quoted: true }))
    case 'ansi_c_string':
      // $'…' escapes (\x67, \u…, \c…) are not decoded here; a word that uses them is left to the shell.
      return node.text.includes('\\')
        ? [{ filled: node.text, quoted: true, reason: `\`${node.text}\` is decoded only when the shell runs the line` }]
        : [...node.text.slice(2, -1)].map((char) => ({ char, quoted: true }))
    case 'string':
      return doubleQuoted(node)
    case 'translated_string':
      return node.namedChildren[0] ? cellsOf(node.namedChildren[0]) : []
    case 'concatenation':
      return withGaps(node, node.text, (gap) => unquoted(gap), (child) => cellsOf(child))
    default:
      // $x, ${x}, $(…), `…`, <(…), $((…)), {a..b}: only the running shell knows what they become.
      return [{ filled: node.text, quoted: false, reason: `\`${node.text}\` is filled in only when the shell runs the line` }]
  }
}

/** The text inside "…": `\` escapes only `$`, `` ` ``, `"`, `\` and a newline there. */
function doubleQuoted(node: Node): Cell[] {
  const inside = (text: string): Cell[] =>
    [...text.replace(/\\([$`"\\\n])/g, (_, char: string) => (char === '\n' ? '' : char))].map((char) => ({ char, quoted: true }))
  const cells = withGaps(node, node.text, inside, (child) =>
    child.type === 'string_content' ? inside(child.text) : [{ filled: child.text, quoted: true, reason: `\`${child.text}\` is filled in only when the shell runs the line` }],
  )
  // The gaps include the opening and closing quote marks.
  return cells.slice(1, -1)
}

/** The cells of a node's named children, with the text between them (operators, quote marks) handled by `gap`. */
function withGaps(node: Node, text: string, gap: (text: string) => Cell[], child: (node: Node) => Cell[]): Cell[] {
  const cells: Cell[] = []
  let offset = 0
  for (const named of node.namedChildren) {
    if (!named) continue
    const from = named.startIndex - node.startIndex
    cells.push(...gap(text.slice(offset, from)), ...child(named))
    offset = named.endIndex - node.startIndex
  }
  cells.push(...gap(text.slice(offset)))
  return cells
}

/** Unquoted text: `\` quotes the next character and `\` before a newline joins lines. */
function unquoted(text: string): Cell[] {
  const cells: Cell[] = []
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (char !== '\\' || index === text.length - 1) cells.push({ char, quoted: false })
    else if (text[++index] !== '\n') cells.push({ char: text[index]!, quoted: true })
  }
  return cells
}

/**
 * Marks what the shell expands in the unquoted characters of a word: a
 * leading `~`, braces `{a,b}` and `{1..3}`, and file-name patterns (`*`, `?`,
 * `[…]`), which may turn into any file's name.
 */
function expandedByShell(cells: Cell[], source: string): Cell[] {
  const isUnquoted = (cell: Cell | undefined, chars: string) => cell !== undefined && 'char' in cell && !cell.quoted && chars.includes(cell.char)
  const result = [...cells]
  const fill = (from: number, to: number, reason: string) => result.splice(from, to - from + 1, { filled: source, quoted: false, reason })
  // Right to left, so that replacing a bracket or brace group with one cell does not move the cells still to look at.
  for (let index = result.length - 1; index >= 0; index--) {
    if (isUnquoted(result[index], '*?')) {
      fill(index, index, `\`${source}\` is a file-name pattern the shell expands when it runs the line`)
    } else if (isUnquoted(result[index], ']')) {
      const open = result.slice(0, index).findLastIndex((cell) => isUnquoted(cell, '['))
      if (open === -1) continue
      fill(open, index, `\`${source}\` is a file-name pattern the shell expands when it runs the line`)
      index = open
    } else if (isUnquoted(result[index], '}')) {
      const open = result.slice(0, index).findLastIndex((cell) => isUnquoted(cell, '{'))
      const inside = result.slice(open + 1, index).map((cell) => ('char' in cell && !cell.quoted ? cell.char : ' ')).join('')
      if (open === -1 || !(inside.includes(',') || inside.includes('..'))) continue
      fill(open, index, `\`${source}\` is a brace expansion the shell expands when it runs the line`)
      index = open
    }
  }
  if (isUnquoted(result[0], '~')) {
    const slash = result.findIndex((cell) => isUnquoted(cell, '/'))
    const prefix = slash === -1 ? result.length : slash
    if (result.slice(0, prefix).every((cell) => 'char' in cell && !cell.quoted)) {
      result.splice(0, prefix, { filled: source, quoted: true, reason: `\`${source}\` starts with a home directory the shell fills in` })
    }
  }
  return result
}
