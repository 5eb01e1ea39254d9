import { Hono } from 'hono'
import type { Store } from '../store/index.ts'
import { latestRun } from './latest-run.ts'
import { idParam } from './request-schemas.ts'
import { noQueryHere, validParams } from './validate.ts'

const agentId = validParams(idParam('agent'), 'agent ids are whole numbers such as 3; see them with GET /api/agents')

/** The run's agents, and what each one was told and said. */
export function createAgentRoutes({ store }: { store: Store }) {
  return new Hono()
    .get('/agents', noQueryHere, async (context) => context.json(await store.listAgents({ runId: (await latestRun(store)).id })))
    .get('/agents/:id/transcript', agentId, noQueryHere, async (context) => {
      // An agent that never spoke has an empty transcript; one that does not exist has none.
      const agent = await store.getAgent(context.req.valid('param').id)
      return context.json(await store.getTranscript(agent.id))
    })
}
