import type { TranscriptEntry } from '../records.ts'
import type { StoreContext } from './context.ts'
import { storedJson } from './stored-json.ts'

export async function appendTranscript(context: StoreContext, agentId: number, entries: { role: string; content: unknown }[]): Promise<void> {
  if (entries.length === 0) return
  await context.db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('transcripts')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('agent_id', '=', agentId)
      .executeTakeFirst()
    const start = last?.seq === null || last?.seq === undefined ? 0 : Number(last.seq) + 1
    const time = context.now()
    await trx
      .insertInto('transcripts')
      .values(entries.map((entry, index) => ({ agent_id: agentId, seq: start + index, role: entry.role, content: storedJson(entry.content), created_at: time })))
      .execute()
  })
}

export async function getTranscript(context: StoreContext, agentId: number): Promise<TranscriptEntry[]> {
  const rows = await context.db.selectFrom('transcripts').selectAll().where('agent_id', '=', agentId).orderBy('seq').execute()
  return rows.map((row) => ({
    agentId: Number(row.agent_id),
    seq: Number(row.seq),
    role: row.role,
    content: JSON.parse(row.content) as unknown,
    createdAt: Number(row.created_at),
  }))
}
