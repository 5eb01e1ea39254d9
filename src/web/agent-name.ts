/**
 * What a person calls an agent: its role and id, `worker-3`, `planner-1`. The
 * owner a task records (`host:pid:nonce/slot-2`) names the process slot for
 * crash recovery, not something to read on a card.
 */
export function agentName(agent: { id: number; role: string }): string {
  return `${agent.role}-${agent.id}`
}
