import { knownWord, type ShellWord } from './shell-word.ts'

/** What a wrapper (`env`, `sudo`, `xargs`, `sh -c`, `git -C dir`…) runs in its turn. */
export type Wrapped =
  /** Another simple command. */
  | { kind: 'command'; words: ShellWord[] }
  /** A command line that a shell parses (`sh -c LINE`, `eval`). */
  | { kind: 'line'; line: string }
  /** Something the line alone cannot tell, and why. */
  | { kind: 'undecided'; reason: string }

/** How a program reads its options. */
export interface OptionSyntax {
  /** Letters of options that take a value, attached (`-n5`) or as the next word (`-n 5`). */
  valued?: string
  /** Letters of options whose value, if any, must be attached (xargs's `-i[R]`). */
  attachedOnly?: string
  /** Long options that take a value, as `--name=value` or `--name value`. */
  longValued?: readonly string[]
  /** Options may also start with `+` (a shell's `+x`, `+o name`). */
  plus?: boolean
  /** A lone `-` is an option, not an operand (env's `-` means `-i`). */
  loneDash?: boolean
}

export interface ParsedOption {
  /** The letter, or the long name without `--`. */
  name: string
  value?: ShellWord
}

export type ParsedArguments = { kind: 'parsed'; options: ParsedOption[]; operands: ShellWord[] } | { kind: 'undecided'; reason: string }

/**
 * Splits a program's arguments into its options and the operands after them,
 * the way getopt does: options end at the first operand or at `--`. A word
 * the line cannot tell, where an option or the first operand could be, leaves
 * the split undecided.
 */
export function parseArguments(words: readonly ShellWord[], syntax: OptionSyntax): ParsedArguments {
  const options: ParsedOption[] = []
  const isOption = (text: string) => (text.startsWith('-') || (syntax.plus === true && text.startsWith('+'))) && (text.length > 1 || syntax.loneDash === true)
  let index = 0
  for (; index < words.length; index++) {
    const word = words[index]!
    if (word.kind === 'unknown') {
      if (!word.splits && word.start !== '' && !isOption(word.start)) break
      return { kind: 'undecided', reason: word.reason }
    }
    if (word.value === '--') {
      index++
      break
    }
    if (!isOption(word.value)) break
    if (word.value.startsWith('--')) {
      const [name = '', ...attached] = word.value.slice(2).split('=')
      if (attached.length > 0) options.push({ name, value: knownWord(attached.join('=')) })
      else if (!syntax.longValued?.includes(name)) options.push({ name })
      else {
        const value = words[++index]
        if (value?.kind === 'unknown' && value.splits) return { kind: 'undecided', reason: value.reason }
        options.push({ name, value })
      }
      continue
    }
    for (let letterIndex = 1; letterIndex < word.value.length; letterIndex++) {
      const name = word.value[letterIndex]!
      const attached = word.value.slice(letterIndex + 1)
      if (syntax.attachedOnly?.includes(name) && attached !== '') {
        options.push({ name, value: knownWord(attached) })
        break
      }
      if (!syntax.valued?.includes(name)) {
        options.push({ name })
        continue
      }
      const value = attached !== '' ? knownWord(attached) : words[++index]
      if (value?.kind === 'unknown' && value.splits) return { kind: 'undecided', reason: value.reason }
      options.push({ name, value })
      break
    }
  }
  return { kind: 'parsed', options, operands: words.slice(index) }
}

/** The operands as the command a wrapper runs, if there is one. */
export function commandOf(words: readonly ShellWord[]): Wrapped | undefined {
  return words.length > 0 ? { kind: 'command', words: [...words] } : undefined
}
