import { z } from 'zod'

/** A task's commit the deep gate reverted because it broke a check. */
export interface Culprit {
  taskId: number
  commit: string
}

/**
 * Where one command of `checks.full` stands on the target tip:
 * - `passing`: it passes;
 * - `reverted`: it passes again after the deep gate reverted the tasks that broke it;
 * - `red-from-start`: it fails and has never passed on record (it failed when the run started too): work to do, nobody to blame;
 * - `still-red`: it passed at `since` and fails now, and the gate could not revert the cause (`reason` says why).
 */
export type CheckStatus = 'passing' | 'reverted' | 'red-from-start' | 'still-red'

export interface CheckReport {
  command: string
  status: CheckStatus
  /** The last target commit where the check passed, for a check that fails at the tip. */
  since?: string
  /** Tasks reverted because they broke this check, oldest first. */
  culprits: Culprit[]
  /** The end of the failing output, for a check that fails at the tip. */
  output?: string
  reason?: string
}

/** How much of a failing check's output a report keeps. */
export const outputDigestChars = 2_000

export function isFailing(check: CheckReport): boolean {
  return check.status === 'red-from-start' || check.status === 'still-red'
}

const checkReportSchema = z.object({
  command: z.string(),
  status: z.enum(['passing', 'reverted', 'red-from-start', 'still-red']),
  since: z.string().optional(),
  culprits: z.array(z.object({ taskId: z.number(), commit: z.string() })).default([]),
  output: z.string().optional(),
  reason: z.string().optional(),
})

/** The checks of a `deep-gate-report` event's data (events are stored as JSON); none when it holds no report. */
export function checksFromReportEvent(data: Record<string, unknown>): CheckReport[] {
  const parsed = z.object({ checks: z.array(checkReportSchema) }).safeParse(data)
  return parsed.success ? parsed.data.checks : []
}

/**
 * The failing checks as a list an agent reads as work to do: each command,
 * why it is red, and the end of its output.
 */
export function describeFailingChecks(checks: readonly CheckReport[]): string {
  return checks
    .filter(isFailing)
    .map((check) => {
      const why = check.status === 'red-from-start'
        ? 'red from the start: it has not passed on the target since the run began, so no merge broke it; making it pass is part of the work'
        : `broke after it passed at ${check.since?.slice(0, 12) ?? 'an earlier commit'}, and the deep gate could not revert the cause${check.reason ? `: ${check.reason}` : ''}`
      return `- \`${check.command}\`: ${why}\n\n\`\`\`\n${(check.output ?? '').slice(-outputDigestChars).trim()}\n\`\`\``
    })
    .join('\n\n')
}
