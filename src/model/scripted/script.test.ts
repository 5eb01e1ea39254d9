import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ScenarioFileError } from './errors.ts'
import { loadScenario, scriptFromScenario, type ScriptedRequest } from './script.ts'

const request = (fields: Partial<ScriptedRequest>): ScriptedRequest => ({ api: 'in-process', role: 'worker', task: '1', turn: 1, model: 'm', stream: false, toolResults: [], characters: 0, body: {}, ...fields })

describe('scenario files', () => {
  let directory: string
  beforeEach(async () => (directory = await mkdtemp(join(tmpdir(), 'colony-scenario-'))))
  afterEach(() => rm(directory, { recursive: true, force: true }))

  it('answers a summary call from a "purpose" entry, and other calls from the rest', async () => {
    const file = join(directory, 'scenario.json')
    await writeFile(file, JSON.stringify({ replies: [{ purpose: 'summary', text: 'the summary' }, { role: 'worker', text: 'the work' }] }))
    const script = scriptFromScenario(await loadScenario(file))
    expect(await script(request({ purpose: 'summary' }))).toEqual({ text: 'the summary' })
    expect(await script(request({}))).toEqual({ text: 'the work' })
  })

  it.each([
    ['a missing file', undefined, 'does not exist'],
    ['a file that is not JSON', '{"replies": [', 'is not valid JSON'],
    ['an array', '[]', '(the whole file): Invalid input: expected object, received array'],
    ['an unknown key', '{"replies": [{"role": "worker", "colour": "red"}]}', 'replies.0: Unrecognized key: "colour"'],
    ['a turn of 0', '{"replies": [{"turn": 0, "text": "x"}]}', 'replies.0.turn: Too small'],
  ])('refuses %s, naming the file and the problem', async (_what, content, problem) => {
    const file = join(directory, 'scenario.json')
    if (content !== undefined) await writeFile(file, content)
    const loading = loadScenario(file)
    await expect(loading).rejects.toBeInstanceOf(ScenarioFileError)
    await expect(loading).rejects.toThrow(`the scenario file ${JSON.stringify(file)} `)
    await expect(loading).rejects.toThrow(problem)
  })
})
