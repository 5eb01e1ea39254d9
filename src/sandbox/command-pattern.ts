import type { Invocation } from './invocations.ts'

/**
 * How a rule's pattern meets what an invocation runs. Patterns are matched
 * against the invocation's words joined by single spaces, `*` matching
 * anything: `certain` when it matches however the undecided rest turns out,
 * `possible` when it matches some way the rest could turn out, undefined when
 * it cannot match.
 *
 * @example
 * patternMeets('git push*', { source: 'git push', words: ['git', 'push'] }) // 'certain'
 * patternMeets('git push*', { source: 'git $x', words: ['git'], undecided: { start: '', reason: '…' } }) // 'possible'
 * patternMeets('git push*', { source: 'git status', words: ['git', 'status'] }) // undefined
 */
export function patternMeets(pattern: string, invocation: Invocation): 'certain' | 'possible' | undefined {
  const glob = [...pattern.trim().replace(/\s+/g, ' ')]
  const text = invocationText(invocation).replace(/\s+/g, ' ')
  const states = statesAfter(glob, text)
  const open = invocation.undecided !== undefined
  // A pattern ending in `*` that has matched so far matches whatever follows.
  if (states.has(glob.length) && (!open || glob.at(-1) === '*')) return 'certain'
  return open && states.size > 0 ? 'possible' : undefined
}

/** The written-out text of an invocation: its words, then the start of what the line cannot tell. */
export function invocationText({ words, undecided }: Invocation): string {
  if (!undecided) return words.join(' ')
  return [...words, undecided.start].join(' ')
}

/** The positions in the glob that reading all of the text can leave it at; none when the text cannot begin a match. */
function statesAfter(glob: readonly string[], text: string): Set<number> {
  const closure = (states: Set<number>) => {
    for (const state of states) if (glob[state] === '*') states.add(state + 1)
    return states
  }
  let states = closure(new Set([0]))
  for (const char of text) {
    const next = new Set<number>()
    for (const state of states) {
      if (glob[state] === '*') next.add(state)
      else if (glob[state] === char) next.add(state + 1)
    }
    states = closure(next)
    if (states.size === 0) break
  }
  return states
}
