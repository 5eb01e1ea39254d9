export interface CommandRules {
  /** Commands that wait for a person's approval before they run. */
  approve: readonly string[]
  /** Commands that never run. */
  refuse: readonly string[]
}

export type CommandVerdict = { verdict: 'allow' } | { verdict: 'approve' | 'refuse'; rule: string; part: string }

export const defaultCommandRules: CommandRules = {
  approve: ['npm publish*', 'pnpm publish*', 'yarn publish*', 'cargo publish*', 'docker push*', 'gh release*'],
  refuse: ['sudo *', 'su', 'su *', 'git push*', 'git config --global*', 'git config --system*'],
}

/** Splits a shell line into its simple commands at unquoted `;`, `&`, `|`, newlines, parentheses and backticks. */
export function simpleCommands(line: string): string[] {
  const parts: string[] = []
  let current = ''
  let quote: '"' | "'" | undefined
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!
    if (quote) {
      if (char === quote) quote = undefined
      else if (char === '\\' && quote === '"') current += line[++index] ?? ''
      else current += char
      continue
    }
    if (char === '"' || char === "'") quote = char
    else if (char === '\\') current += line[++index] ?? ''
    else if (';&|\n()`'.includes(char) || (char === '$' && line[index + 1] === '(')) {
      parts.push(current)
      current = ''
    } else current += char
  }
  parts.push(current)
  return parts
    .map((part) => part.trim().replace(/\s+/g, ' ').replace(/^(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)+/, ''))
    .filter((part) => part.length > 0)
}

function patternToRegExp(pattern: string): RegExp {
  const body = pattern.trim().replace(/\s+/g, ' ').split('*').map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')
  return new RegExp(`^${body}$`)
}

/**
 * Decides whether a command line may run: refused when any of its simple
 * commands matches a `refuse` pattern, waiting for a person when one matches
 * an `approve` pattern. Patterns are matched against each simple command with
 * leading `NAME=value` assignments removed; `*` matches anything.
 */
export function checkCommand(line: string, rules: CommandRules): CommandVerdict {
  const parts = simpleCommands(line)
  for (const verdict of ['refuse', 'approve'] as const) {
    for (const rule of rules[verdict]) {
      const pattern = patternToRegExp(rule)
      const part = parts.find((candidate) => pattern.test(candidate))
      if (part !== undefined) return { verdict, rule, part }
    }
  }
  return { verdict: 'allow' }
}
