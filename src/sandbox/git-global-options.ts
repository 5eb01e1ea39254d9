import { knownWord, unknownWord, type ShellWord } from './shell-word.ts'
import type { Wrapped } from './wrapper-arguments.ts'

/** Git's options before the subcommand that take a value (`-C dir`, `--git-dir dir` or `--git-dir=dir`). */
const valued = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env', '--super-prefix', '--attr-source'])

/**
 * `git` as the subcommand sees it: the global options before the subcommand
 * dropped (`git -C . --no-pager push` → `git push`), and an alias given on
 * the line (`git -c alias.p=push p`) replaced by what it stands for. Undefined
 * when there is nothing to drop.
 */
export function gitWithoutGlobalOptions(args: readonly ShellWord[]): Wrapped | undefined {
  // Alias name → its definition; undefined when it comes from an environment variable (--config-env).
  const aliases = new Map<string, string | undefined>()
  let index = 0
  for (; index < args.length; index++) {
    const word = args[index]!
    if (word.kind === 'unknown') {
      if (!word.splits && word.start !== '' && !word.start.startsWith('-')) break
      // With nothing dropped yet, the invocation of this very git already leaves the rest undecided.
      return index === 0 ? undefined : gitWithUnknownSubcommand(word.source, word.reason)
    }
    if (!word.value.startsWith('-')) break
    const [name = '', ...attached] = word.value.split('=')
    if (!valued.has(name)) continue
    // -C and -c take the next word only; the long options take `=value` too.
    const value = attached.length > 0 && name.startsWith('--') ? knownWord(attached.join('=')) : args[++index]
    if (value === undefined) return undefined
    if (value.kind === 'unknown') {
      if (value.splits || (name === '-c' && couldDefineAlias(value.start))) return gitWithUnknownSubcommand(value.source, value.reason)
      continue
    }
    const alias = /^alias\.([^=]+)=(.*)$/s.exec(value.value)
    if (name === '-c' && alias) aliases.set(alias[1]!.toLowerCase(), alias[2] ?? '')
    if (name === '--config-env' && alias) aliases.set(alias[1]!.toLowerCase(), undefined)
  }
  if (index === 0) return undefined
  const [subcommand, ...rest] = args.slice(index)
  const key = subcommand?.kind === 'known' ? subcommand.value.toLowerCase() : undefined
  if (key === undefined || !aliases.has(key)) return { kind: 'command', words: [knownWord('git'), ...args.slice(index)] }
  const definition = aliases.get(key)
  if (definition === undefined) return gitWithUnknownSubcommand(subcommand!.source, `the git alias "${key}" is read from an environment variable`)
  // A `!` alias is a shell command, run with the remaining arguments appended.
  if (definition.startsWith('!')) return { kind: 'line', line: [definition.slice(1), ...rest.map((word) => word.source)].join(' ') }
  return { kind: 'command', words: [knownWord('git'), ...definition.split(/\s+/).filter(Boolean).map(knownWord), ...rest] }
}

/** Git running a subcommand the line cannot tell: still git, so only rules about git could apply. */
function gitWithUnknownSubcommand(source: string, reason: string): Wrapped {
  return { kind: 'command', words: [knownWord('git'), unknownWord(source, reason)] }
}

/** Whether a `-c` value that starts with this text could set `alias.…`. */
function couldDefineAlias(start: string): boolean {
  const lower = start.toLowerCase()
  return 'alias.'.startsWith(lower) || lower.startsWith('alias.')
}
