import { Hono } from 'hono'
import type { ColonyConfig } from '../config/index.ts'
import { runSnapshot } from '../launch/index.ts'
import type { Controls } from '../orchestrator/index.ts'
import { eventToJson, type Store } from '../store/index.ts'
import { latestRun } from './latest-run.ts'
import { emptyBody, steerBody } from './request-schemas.ts'
import { noQueryHere, validJson } from './validate.ts'

/** The run as a whole: its snapshot, and pause, resume, stop and steer, as the CLI commands of those names. */
export function createRunRoutes({ store, controls, budget }: { store: Store; controls: Controls; budget: ColonyConfig['budget'] }) {
  const latestRunId = async () => (await latestRun(store)).id
  const noBody = validJson(emptyBody)
  return new Hono()
    .get('/status', noQueryHere, async (context) => context.json(await runSnapshot(store, await latestRun(store), budget)))
    .post('/pause', noQueryHere, noBody, async (context) => context.json(await controls.pause(await latestRunId())))
    .post('/resume', noQueryHere, noBody, async (context) => context.json(await controls.resume(await latestRunId())))
    .post('/stop', noQueryHere, noBody, async (context) => context.json(await controls.stop(await latestRunId())))
    .post('/steer', noQueryHere, validJson(steerBody), async (context) => {
      const { text } = context.req.valid('json')
      return context.json(eventToJson(await controls.steer(await latestRunId(), text)))
    })
}
