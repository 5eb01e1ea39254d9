import type { Parser } from 'web-tree-sitter'
import { wrappedCommand } from './command-wrappers.ts'
import type { ShellWord } from './shell-word.ts'
import { simpleCommandsOf } from './simple-commands.ts'

/** A program a command line runs, as far as the line alone tells. */
export interface Invocation {
  /** The simple command of the line it comes from, as written. */
  source: string
  /** The program's name (the last part of its path) and its arguments, up to the first word the line cannot tell. */
  words: string[]
  /** When more follows that the line cannot tell: its written-out start, and why it cannot tell. */
  undecided?: { start: string; reason: string }
}

/**
 * Every program a command line runs, as far as the line tells: each simple
 * command wherever it sits, and, through wrappers (`env`, `sudo`, `xargs`,
 * `sh -c`, `eval`, `git -C dir`…), what it runs in its turn. A line that does
 * not parse adds an invocation that could be anything.
 *
 * @example
 * invocationsOf('env -i /usr/bin/git -C . push', parser)
 * // [{ words: ['env', '-i', 'git', '-C', '.', 'push'] }, { words: ['git', '-C', '.', 'push'] }, { words: ['git', 'push'] }]
 */
export function invocationsOf(line: string, parser: Parser): Invocation[] {
  const tree = parser.parse(line)
  if (!tree) throw new Error('tree-sitter-bash returned no tree: the parser has no language')
  try {
    const found: Invocation[] = tree.rootNode.hasError ? [{ source: line, words: [], undecided: { start: '', reason: 'the line does not parse as a shell command line' } }] : []
    for (const command of simpleCommandsOf(tree.rootNode)) found.push(...unwrapped(command.source, command.words, parser))
    return found
  } finally {
    tree.delete()
  }
}

const maximumDepth = 32

/** The invocation of a simple command and of every command it wraps. */
function unwrapped(source: string, words: ShellWord[], parser: Parser): Invocation[] {
  const found: Invocation[] = []
  for (let current = words, depth = 0; current.length > 0; depth++) {
    // Each wrapper consumes words, so this ends; the bound is there in case a wrapper's rules ever do not.
    if (depth === maximumDepth) {
      found.push({ source, words: [], undecided: { start: '', reason: `it wraps commands more than ${maximumDepth} deep` } })
      break
    }
    const invocation = invocationOf(source, current)
    found.push(invocation)
    const name = invocation.words[0]
    if (name === undefined) break
    const next = wrappedCommand(name, current.slice(1))
    if (next === undefined) break
    if (next.kind === 'undecided') {
      found.push({ source, words: [], undecided: { start: '', reason: next.reason } })
      break
    }
    if (next.kind === 'line') {
      // Named by the outer command: that is what the model wrote.
      found.push(...invocationsOf(next.line, parser).map((inner) => ({ ...inner, source })))
      break
    }
    current = next.words
  }
  return found
}

function invocationOf(source: string, [name, ...args]: ShellWord[]): Invocation {
  const program = programName(name!)
  if (program.kind === 'unknown') return { source, words: [], undecided: { start: program.start, reason: program.reason } }
  const words = [program.value]
  for (const word of args) {
    if (word.kind === 'unknown') return { source, words, undecided: { start: word.start, reason: word.reason } }
    words.push(word.value)
  }
  return { source, words }
}

/** A program's name as rules see it: the last part of its path (`/usr/bin/git` → `git`). */
function programName(word: ShellWord): { kind: 'known'; value: string } | { kind: 'unknown'; start: string; reason: string } {
  const lastPart = (path: string) => path.slice(path.lastIndexOf('/') + 1)
  if (word.kind === 'known') return { kind: 'known', value: lastPart(word.value) }
  // "$HOME/bin/tool" is one word whatever HOME is, and its last part is written out.
  if (!word.splits && word.end.includes('/')) return { kind: 'known', value: lastPart(word.end) }
  return { kind: 'unknown', start: lastPart(word.start), reason: word.reason }
}
