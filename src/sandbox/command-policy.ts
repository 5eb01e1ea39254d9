import { bashParser } from './bash-parser.ts'
import { invocationText, patternMeets } from './command-pattern.ts'
import { invocationsOf } from './invocations.ts'

export interface CommandRules {
  /** Commands that wait for a person's approval before they run. */
  approve: readonly string[]
  /** Commands that never run. */
  refuse: readonly string[]
}

export type CommandVerdict =
  | { verdict: 'allow' }
  | {
      verdict: 'approve' | 'refuse'
      rule: string
      /** The simple command of the line, as written, that the rule applies to. */
      part: string
      /** What it runs once wrappers are followed (`env -i git -C . push` runs `git push`); `…` stands for what the line cannot tell. */
      runs: string
      /** Why the line cannot tell whether the rule applies, when it cannot; the rule could apply, so it is applied. */
      undecided?: string
    }

export const defaultCommandRules: CommandRules = {
  approve: ['npm publish*', 'pnpm publish*', 'yarn publish*', 'cargo publish*', 'docker push*', 'gh release*'],
  refuse: ['sudo *', 'su', 'su *', 'git push*', 'git config --global*', 'git config --system*'],
}

/**
 * Decides whether a command line may run: refused when a program it runs
 * matches a `refuse` pattern, waiting for a person when one matches an
 * `approve` pattern. The line is parsed with tree-sitter-bash; every simple
 * command in it (in pipelines, lists, groups, substitutions, bodies of if,
 * while, for, case and functions) is matched on its words, with assignments
 * and redirections removed, the program named by the last part of its path,
 * wrappers followed (`env`, `sudo`, `xargs`, `sh -c`, `eval`…) and git's
 * global options dropped. `*` matches anything.
 *
 * What the line cannot tell (`$CMD push`, `git${IFS}push`, a line that does
 * not parse) counts against it when a rule could apply, with `undecided`
 * saying why; expansions in words no rule looks at (`ls $HOME`) do not.
 *
 * @example
 * await checkCommand('env -i git -C . push', defaultCommandRules)
 * // { verdict: 'refuse', rule: 'git push*', part: 'env -i git -C . push', runs: 'git push' }
 */
export async function checkCommand(line: string, rules: CommandRules): Promise<CommandVerdict> {
  const invocations = invocationsOf(line, await bashParser())
  for (const verdict of ['refuse', 'approve'] as const) {
    let possible: CommandVerdict | undefined
    for (const rule of rules[verdict]) {
      for (const invocation of invocations) {
        const meets = patternMeets(rule, invocation)
        const runs = invocation.undecided ? `${invocationText(invocation)}…` : invocationText(invocation)
        if (meets === 'certain') return { verdict, rule, part: invocation.source, runs }
        if (meets === 'possible') possible ??= { verdict, rule, part: invocation.source, runs, undecided: invocation.undecided!.reason }
      }
    }
    if (possible) return possible
  }
  return { verdict: 'allow' }
}
