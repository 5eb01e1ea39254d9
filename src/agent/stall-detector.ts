import type { AgentLimits } from './limits.ts'

/**
 * Notices an agent going in circles: the same failing call again and again,
 * or many steps in which no new tool call succeeded (only repeats, errors or
 * empty replies).
 */
export function createStallDetector(limits: Pick<AgentLimits, 'repeatedFailures' | 'stepsWithoutProgress'>) {
  let lastFailure: string | undefined
  let failureRepeats = 0
  let quietSteps = 0
  const succeeded = new Set<string>()

  return {
    /** Records one tool call's outcome. */
    call(key: string, ok: boolean): void {
      if (ok) {
        lastFailure = undefined
        failureRepeats = 0
        if (!succeeded.has(key)) {
          succeeded.add(key)
          quietSteps = -1 // this step made progress; endStep brings it to 0
        }
        return
      }
      failureRepeats = key === lastFailure ? failureRepeats + 1 : 1
      lastFailure = key
    },
    /** Ends a step; returns why the agent is stalled, if it is. */
    endStep(): string | undefined {
      quietSteps++
      if (failureRepeats >= limits.repeatedFailures) return `the same failing call was repeated ${failureRepeats} times: ${lastFailure}`
      if (quietSteps >= limits.stepsWithoutProgress) return `${quietSteps} steps without a new successful tool call`
      return undefined
    },
  }
}
