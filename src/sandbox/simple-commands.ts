import type { Node } from 'web-tree-sitter'
import { shellWord, type ShellWord } from './shell-word.ts'

/** A simple command of a parsed line: its words, name first, without its `NAME=value` assignments and redirections. */
export interface SimpleCommand {
  /** The command as written, redirections included. */
  source: string
  words: ShellWord[]
}

/**
 * Every simple command in a parsed line, wherever it sits: in pipelines and
 * lists, subshells and `{ …; }` groups, `$( … )` and backticks, process
 * substitutions, here-documents, assignments, and the bodies of if, while,
 * for, case and functions.
 */
export function simpleCommandsOf(root: Node): SimpleCommand[] {
  const commands: SimpleCommand[] = []
  const visit = (node: Node) => {
    if (node.type === 'command') {
      const command = simpleCommand(node)
      if (command) commands.push(command)
    }
    for (const child of node.children) if (child) visit(child)
  }
  visit(root)
  return commands
}

function simpleCommand(node: Node): SimpleCommand | undefined {
  const name = node.childForFieldName('name')
  if (!name) return undefined
  const statement = node.parent?.type === 'redirected_statement' && node.parent.childForFieldName('body')?.equals(node) ? node.parent : undefined
  const redirects = [...node.childrenForFieldName('redirect'), ...(statement?.childrenForFieldName('redirect') ?? [])]
  // tree-sitter-bash reads the words after a redirection's target (`git >out push`) as more targets; the shell passes them to the command.
  const strayWords = redirects.flatMap((redirect) => redirect.childrenForFieldName('destination').slice(1))
  const words = [name, ...node.childrenForFieldName('argument'), ...strayWords].sort((left, right) => left.startIndex - right.startIndex)
  return { source: (statement ?? node).text, words: words.map(shellWord) }
}
