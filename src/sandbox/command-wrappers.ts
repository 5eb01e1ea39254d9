import { gitWithoutGlobalOptions } from './git-global-options.ts'
import { knownWord, unknownWord, type ShellWord } from './shell-word.ts'
import { commandOf, parseArguments, type OptionSyntax, type ParsedOption, type Wrapped } from './wrapper-arguments.ts'

type Wrapper = (args: readonly ShellWord[]) => Wrapped | undefined

/** A wrapper that runs its first operand, after its options, as a command. */
function runsOperands(syntax: OptionSyntax, operandsToSkip = 0): Wrapper {
  return (args) => {
    const parsed = parseArguments(args, syntax)
    if (parsed.kind === 'undecided') return parsed
    const skipped = parsed.operands.slice(0, operandsToSkip)
    const splitting = skipped.find((word) => word.kind === 'unknown' && word.splits)
    if (splitting?.kind === 'unknown') return { kind: 'undecided', reason: splitting.reason }
    return commandOf(parsed.operands.slice(operandsToSkip))
  }
}

/**
 * `time` and `coproc` are shell keywords: what follows them may start with
 * `{` or `!`, which tree-sitter-bash reads as words (`time { git push; }`).
 */
function keyword(wrapper: Wrapper): Wrapper {
  return (args) => {
    const wrapped = wrapper(args)
    if (wrapped?.kind !== 'command') return wrapped
    const start = wrapped.words.findIndex((word) => word.kind !== 'known' || !['{', '!'].includes(word.value))
    return start === -1 ? undefined : { kind: 'command', words: wrapped.words.slice(start) }
  }
}

/** Drops leading `NAME=value` operands (env's and sudo's way of setting variables for the command). */
function withoutAssignments(words: readonly ShellWord[]): Wrapped | undefined {
  let index = 0
  for (; index < words.length; index++) {
    const word = words[index]!
    if (word.kind === 'known' && !word.value.includes('=')) break
    // A word the shell fills in is an assignment only if its written-out start says so; it could be one otherwise.
    if (word.kind === 'unknown' && (word.splits || !word.start.includes('='))) return { kind: 'undecided', reason: word.reason }
  }
  return commandOf(words.slice(index))
}

const env: Wrapper = (args) => {
  const parsed = parseArguments(args, { valued: 'uCS', longValued: ['unset', 'chdir', 'split-string'], loneDash: true })
  if (parsed.kind === 'undecided') return parsed
  const split = parsed.options.find((option) => option.name === 'S' || option.name === 'split-string')
  if (!split) return withoutAssignments(parsed.operands)
  // env -S splits its string into more arguments itself (with its own quoting, escapes and ${NAME}).
  if (split.value?.kind !== 'known' || /[\\$'"#]/.test(split.value.value)) return { kind: 'undecided', reason: 'env -S splits its string into a command itself' }
  return env([...split.value.value.split(/\s+/).filter(Boolean).map(knownWord), ...parsed.operands])
}

const sudo: Wrapper = (args) => {
  const parsed = parseArguments(args, {
    valued: 'ugCDhpRrtTU',
    longValued: ['user', 'group', 'close-from', 'chdir', 'host', 'prompt', 'chroot', 'role', 'type', 'command-timeout', 'other-user'],
  })
  return parsed.kind === 'undecided' ? parsed : withoutAssignments(parsed.operands)
}

const xargs: Wrapper = (args) => {
  const parsed = parseArguments(args, {
    valued: 'ILnPsdEa',
    attachedOnly: 'iel',
    longValued: ['max-args', 'max-procs', 'max-chars', 'delimiter', 'arg-file', 'process-slot-var'],
  })
  if (parsed.kind === 'undecided') return parsed
  if (parsed.operands.length === 0) return undefined
  const replaced = replacementOf(parsed.options)
  const input = 'xargs adds the arguments it reads from its input'
  const words = parsed.operands.map((word) =>
    replaced !== undefined && word.source.includes(replaced) ? unknownWord(word.source, `xargs replaces \`${replaced}\` with what it reads from its input`) : word,
  )
  return { kind: 'command', words: [...words, unknownWord('…', input)] }
}

/** The text xargs replaces with each input line (`-I R`, `-i[R]`, `--replace[=R]`). */
function replacementOf(options: readonly ParsedOption[]): string | undefined {
  const option = options.findLast((candidate) => ['I', 'i', 'replace'].includes(candidate.name))
  if (!option) return undefined
  if (option.value === undefined) return '{}'
  return option.value.kind === 'known' ? option.value.value : option.value.source
}

const shell: Wrapper = (args) => {
  const parsed = parseArguments(args, { valued: 'oO', longValued: ['rcfile', 'init-file'], plus: true })
  if (parsed.kind === 'undecided') return parsed
  const has = (name: string) => parsed.options.some((option) => option.name === name)
  const [line] = parsed.operands
  if (has('c')) {
    if (line === undefined) return undefined
    return line.kind === 'known' ? { kind: 'line', line: line.value } : { kind: 'undecided', reason: line.reason }
  }
  if (line === undefined || has('s')) return { kind: 'undecided', reason: 'the shell reads the commands it runs from its input' }
  return scriptFrom(line)
}

/**
 * A script file is beyond what a rule can see, as any program is; a script
 * the shell reads from its input or a process substitution (`sh -`,
 * `source <(…)`) is undecided, since the line spells out what produces it.
 */
function scriptFrom(script: ShellWord | undefined): Wrapped | undefined {
  if (script === undefined) return undefined
  if (script.kind === 'known') return ['-', '/dev/stdin'].includes(script.value) ? { kind: 'undecided', reason: 'the shell reads the commands it runs from its input' } : undefined
  return /^[<>]\(/.test(script.source) ? { kind: 'undecided', reason: `the commands it runs come from \`${script.source}\`` } : undefined
}

const evaluate: Wrapper = (args) => {
  const unknown = args.find((word) => word.kind === 'unknown')
  if (unknown?.kind === 'unknown') return { kind: 'undecided', reason: unknown.reason }
  return args.length > 0 ? { kind: 'line', line: args.map((word) => (word.kind === 'known' ? word.value : '')).join(' ') } : undefined
}

/** `trap ACTION SIGNAL…` runs ACTION as a command line later, when a signal comes or the shell exits. */
const trap: Wrapper = (args) => {
  const parsed = parseArguments(args, {})
  if (parsed.kind === 'undecided') return parsed
  const [action] = parsed.operands
  // With a single operand it names a signal to reset.
  if (action === undefined || parsed.operands.length < 2) return undefined
  return action.kind === 'known' ? { kind: 'line', line: action.value } : { kind: 'undecided', reason: action.reason }
}

const command: Wrapper = (args) => {
  const parsed = parseArguments(args, {})
  if (parsed.kind === 'undecided') return parsed
  // `command -v NAME` only says where NAME is.
  if (parsed.options.some((option) => option.name === 'v' || option.name === 'V')) return undefined
  return commandOf(parsed.operands)
}

/** Programs that run another command, by name (the basename of the path). */
const wrappers: Record<string, Wrapper> = {
  env,
  command,
  builtin: commandOf,
  coproc: keyword(commandOf),
  exec: runsOperands({ valued: 'a' }),
  time: keyword(runsOperands({ valued: 'fo', longValued: ['format', 'output'] })),
  nice: runsOperands({ valued: 'n', longValued: ['adjustment'] }),
  nohup: runsOperands({}),
  timeout: runsOperands({ valued: 'sk', longValued: ['signal', 'kill-after'] }, 1),
  stdbuf: runsOperands({ valued: 'ioe', longValued: ['input', 'output', 'error'] }),
  ionice: runsOperands({ valued: 'cnpPu', longValued: ['class', 'classdata', 'pid', 'pgid', 'uid'] }),
  setsid: runsOperands({}),
  xargs,
  sudo,
  doas: runsOperands({ valued: 'uC' }),
  sh: shell,
  bash: shell,
  dash: shell,
  zsh: shell,
  ksh: shell,
  mksh: shell,
  ash: shell,
  eval: evaluate,
  trap,
  source: ([script]) => scriptFrom(script),
  '.': ([script]) => scriptFrom(script),
  git: gitWithoutGlobalOptions,
}

/**
 * What a program runs in its turn when it is a wrapper: `env`, `command`,
 * `builtin`, `exec`, `time`, `nice`, `nohup`, `timeout`, `stdbuf`, `ionice`,
 * `setsid`, `coproc`, `xargs`, `sudo`, `doas`, a shell's `-c`, `eval`,
 * `trap`, a shell or `source` reading a script from its input, and `git`
 * with global options before its subcommand. Undefined for any other
 * program, or when the wrapper runs nothing more.
 */
export function wrappedCommand(name: string, args: readonly ShellWord[]): Wrapped | undefined {
  return Object.hasOwn(wrappers, name) ? wrappers[name]!(args) : undefined
}
