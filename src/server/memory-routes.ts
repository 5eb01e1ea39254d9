import { Hono } from 'hono'
import { memoryToJson, type MemoryJson, type Store } from '../store/index.ts'
import { defaultMemoryLimit, emptyBody, idParam, memoryBody, memoryQuery } from './request-schemas.ts'
import { noQueryHere, validJson, validParams, validQuery } from './validate.ts'

const memoryId = validParams(idParam('memory'), 'memory ids are whole numbers such as 12; see them with GET /api/memory')

/**
 * What Colony remembers about the repository, across runs: the newest
 * memories or a search, one memory, a person's standing instruction to add,
 * and forgetting one. Adding and forgetting are recorded as events with
 * `actor`, in the same transaction; they belong to the latest run's log (if
 * there is one) so that its event stream shows them, though the memory
 * outlives the run.
 */
export function createMemoryRoutes({ store, actor }: { store: Store; actor: string }) {
  const latestRunId = async () => (await store.latestRun())?.id ?? null
  return new Hono()
    .get('/memory', validQuery(memoryQuery, 'for example GET /api/memory?q=date+parsing&kind=failure'), async (context) => {
      const { q, kind, task, file, limit = defaultMemoryLimit, all = false } = context.req.valid('query')
      const filter = { ...(kind && { kinds: [kind] }), ...(task !== undefined && { taskId: task }), ...(file && { files: file }), includeForgotten: all, limit }
      const memories: (MemoryJson & { score?: number })[] =
        q === undefined ? (await store.listMemories(filter)).map(memoryToJson) : (await store.recallMemories(q, filter)).map((hit) => ({ ...memoryToJson(hit), score: hit.score }))
      return context.json({ memories })
    })
    .get('/memory/:id', memoryId, noQueryHere, async (context) => context.json(memoryToJson(await store.getMemory(context.req.valid('param').id))))
    .post('/memory', noQueryHere, validJson(memoryBody), async (context) => {
      const { text, files = [] } = context.req.valid('json')
      const runId = await latestRunId()
      const memory = await store.addMemory({ kind: 'steer', role: 'person', author: actor, standing: true, text, files, runId }, (added) => [
        { runId, type: 'memory-added', data: { memory: added.id, kind: added.kind, actor, text: added.text } },
      ])
      return context.json(memoryToJson(memory), 201)
    })
    .delete('/memory/:id', memoryId, noQueryHere, validJson(emptyBody), async (context) => {
      const id = context.req.valid('param').id
      // Forgetting a forgotten memory changes nothing and records nothing: the store writes the event only with the change.
      const memory = await store.forgetMemory(id, actor, [{ runId: await latestRunId(), type: 'memory-forgotten', data: { memory: id, actor } }])
      return context.json(memoryToJson(memory))
    })
}
