import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startScriptedServer, scriptFromScenario, type ScriptedServer } from '../src/model/scripted/index.ts'
import { colony, createTempRepository } from './support/cli.ts'
import { startColony } from './support/run-fixture.ts'

describe('colony events --follow', () => {
  let repository: { root: string; dispose(): Promise<void> }
  let server: ScriptedServer
  beforeAll(async () => {
    server = await startScriptedServer({
      script: scriptFromScenario({
        replies: [
          { purpose: 'summary', text: 'summary' },
          { role: 'planner', toolCalls: [{ name: 'finish', input: { summary: 'nothing to plan' } }] },
          { role: 'judge', toolCalls: [{ name: 'verdict', input: { decision: 'done', reason: 'nothing was asked' } }] },
        ],
      }),
    })
    repository = await createTempRepository({
      'README.md': '# sample\n',
      'colony.json': JSON.stringify({ models: { default: 'scripted:agent' }, providers: { scripted: { type: 'openai-compatible', baseURL: server.url } }, checks: { fast: [], full: [] } }),
    })
    const init = await colony(repository.root, ['init'])
    expect(init.code, init.stderr).toBe(0)
  })
  afterAll(async () => {
    await server.close()
    await repository.dispose()
  })

  it('prints the run as it goes and ends by itself once the run has ended, after its ending event', async () => {
    const follower = startColony(repository.root, ['events', '--follow', '--json'])
    await new Promise<void>((resolve) => follower.child.stdout.on('data', () => resolve()))

    const run = await colony(repository.root, ['run', '--goal', 'Say that everything is done'])
    expect(run.code, run.stderr).toBe(0)
    // No checks.full: `colony run` starts, and says what that costs.
    expect(run.stderr).toContain('colony: warning: checks.full in colony.json is empty')

    expect(await follower.exited, follower.output()).toBe(0)
    const types = follower.stdout().trim().split('\n').map((line) => (JSON.parse(line) as { type: string }).type)
    expect(types[0]).toBe('run-created')
    expect(types).toContain('run-started')
    expect(types).toContain('verdict')
    expect(types.filter((type) => type === 'run-done')).toHaveLength(1)

    // On a run that has ended: the whole trail, then it ends at once.
    const again = await colony(repository.root, ['events', '--follow'])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/run-done/)
    expect(again.stdout.trim().split('\n')).toHaveLength(types.length)
  }, 120_000)
})
