import type { Memory, NewMemory } from '../records.ts'
import { toMemory } from '../row-mapping.ts'
import { redactSecrets } from '../../secrets/index.ts'
import type { Database, StoreContext } from './context.ts'

const maxFiles = 100

/** Paths as git names them: relative, forward slashes, no `./`; a directory keeps its trailing `/`. */
export function memoryPaths(files: readonly string[]): string[] {
  const paths = files.map((file) => file.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '')).filter((file) => file.length > 0 && file !== '.')
  return [...new Set(paths)].slice(0, maxFiles)
}

/** Writes a memory inside the caller's transaction (the record it comes from is written in the same one). */
export async function insertMemory(context: StoreContext, database: Database, input: NewMemory): Promise<Memory> {
  const files = memoryPaths(input.files ?? [])
  const row = await database
    .insertInto('memories')
    .values({
      kind: input.kind,
      text: redactSecrets(input.text),
      role: input.role,
      author: input.author ?? null,
      run_id: input.runId ?? null,
      task_id: input.taskId ?? null,
      agent_id: input.agentId ?? null,
      target_commit: input.commit ?? null,
      files: JSON.stringify(files),
      standing: input.standing ? 1 : 0,
      source: input.source ?? null,
      stale_commit: null,
      stale_files: null,
      stale_at: null,
      forgotten_by: null,
      forgotten_at: null,
      created_at: context.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  if (files.length > 0) await database.insertInto('memory_files').values(files.map((path) => ({ memory_id: Number(row.id), path }))).execute()
  return toMemory(row)
}
