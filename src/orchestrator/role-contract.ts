import type { TaskHandle } from '../board/index.ts'
import type { Handoff, Run } from '../store/index.ts'

// The contract between the supervisor and the roles it runs. The supervisor is
// written against it; src/roles implements it and imports these types from here,
// and src/launch wires the real roles in. The orchestrator never imports src/roles.

/** What a planner turn is given. A plan task gets a turn when it is claimed and again when its tasks report back. */
export interface PlannerTurn {
  run: Run
  handle: TaskHandle
  /** 1 for the first turn on this plan task. */
  turn: number
  /** Handoffs of this plan task's children that arrived since its last turn. */
  handoffs: Handoff[]
  /** Messages from people (`colony steer`) since the last turn. */
  steering: string[]
  /** The judge asked for a fresh start: plan from the summary, not from the old context. */
  fresh: boolean
  /** The judge's reason, when the judge asked for this turn. */
  feedback?: string
  owner: string
  signal: AbortSignal
}

export interface PlannerOutcome {
  /** How many tasks the turn created. */
  created: number
  /** The planner says this plan is complete once its tasks settle. */
  complete: boolean
}

export interface WorkerAttempt {
  run: Run
  handle: TaskHandle
  owner: string
  signal: AbortSignal
  /**
   * The attempt's previous holder died mid-attempt (a crash, a kill): go on
   * in the worktree it left, and tell the agent so. Otherwise the attempt
   * starts from a fresh worktree at the target's tip.
   */
  resume: boolean
}

export type WorkerOutcome =
  | { merged: true; commit: string }
  | { merged: false; reason: string }
  /** The change passed its gate and waits in awaiting_approval for a person (approval.merge). */
  | { merged: false; awaitingApproval: true }

/** An approved merge: the change is in the task's worktree; land it (or hand it back). */
export interface LandAttempt {
  run: Run
  handle: TaskHandle
  signal: AbortSignal
}

export interface JudgeCall {
  run: Run
  cycle: number
  signal: AbortSignal
}

export interface Verdict {
  decision: 'continue' | 'replan' | 'done'
  reason: string
}

/**
 * The three roles as the supervisor sees them. src/roles provides the real ones
 * (agents over models, git and the gate), src/launch passes them in; tests may
 * pass their own.
 */
export interface Roles {
  plan(turn: PlannerTurn): Promise<PlannerOutcome>
  work(attempt: WorkerAttempt): Promise<WorkerOutcome>
  judge(call: JudgeCall): Promise<Verdict>
  /** Lands a task a person approved for merge (approval.merge). */
  land?(attempt: LandAttempt): Promise<WorkerOutcome>
}
