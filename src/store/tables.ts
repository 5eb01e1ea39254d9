import type { Generated } from 'kysely'

/** Row types as stored: snake_case, JSON as text, times as epoch milliseconds. */
export interface Tables {
  runs: {
    id: Generated<number>
    goal: string | null
    status: string
    target: string
    reason: string | null
    version: number
    created_at: number
    updated_at: number
  }
  tasks: {
    id: Generated<number>
    run_id: number
    parent_id: number | null
    kind: string
    title: string
    description: string
    acceptance: string
    scope: string
    priority: number
    status: string
    attempt: number
    max_attempts: number
    owner: string | null
    lease_until: number | null
    version: number
    created_by: string
    result: string | null
    reason: string | null
    created_at: number
    updated_at: number
  }
  task_dependencies: {
    task_id: number
    depends_on_id: number
  }
  agents: {
    id: Generated<number>
    run_id: number
    role: string
    task_id: number | null
    status: string
    model: string | null
    activity: string | null
    version: number
    created_at: number
    updated_at: number
  }
  events: {
    id: Generated<number>
    run_id: number | null
    task_id: number | null
    agent_id: number | null
    type: string
    data: string
    created_at: number
  }
  handoffs: {
    id: Generated<number>
    run_id: number
    task_id: number
    agent_id: number | null
    summary: string
    concerns: string | null
    data: string
    created_at: number
  }
  transcripts: {
    id: Generated<number>
    agent_id: number
    seq: number
    role: string
    content: string
    created_at: number
  }
  usage: {
    id: Generated<number>
    run_id: number
    agent_id: number | null
    task_id: number | null
    role: string | null
    model: string
    input_tokens: number
    output_tokens: number
    cached_tokens: number
    cost_usd: number
    created_at: number
  }
  approvals: {
    id: Generated<number>
    run_id: number
    task_id: number | null
    agent_id: number | null
    kind: string
    subject: string
    detail: string
    status: string
    reason: string | null
    decided_by: string | null
    version: number
    created_at: number
    updated_at: number
  }
  locks: {
    name: string
    owner: string
    until: number
  }
  memories: {
    id: Generated<number>
    kind: string
    text: string
    role: string
    author: string | null
    run_id: number | null
    task_id: number | null
    agent_id: number | null
    target_commit: string | null
    files: string
    standing: number
    source: string | null
    stale_commit: string | null
    stale_files: string | null
    stale_at: number | null
    forgotten_by: string | null
    forgotten_at: number | null
    created_at: number
  }
  memory_files: {
    memory_id: number
    path: string
  }
}
