import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readModelText } from './index.ts'

describe('readModelText', () => {
  let directory: string
  const file = async (name: string, text: string) => {
    await writeFile(join(directory, name), text)
    return pathToFileURL(join(directory, name))
  }
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'colony-model-text-'))
  })
  afterAll(() => rm(directory, { recursive: true, force: true }))

  it("fills {{name}} from the code's constants and drops the file's final newline only", async () => {
    const url = await file('tool.txt', 'At most {{maxLines}} lines, {{maxLines}} per call.\n\n')
    expect(readModelText(url, { maxLines: 400 })).toBe('At most 400 lines, 400 per call.\n')
  })

  it('refuses a placeholder without a value, and a value the text never states', async () => {
    const url = await file('drift.txt', 'At most {{maxLines}} lines.\n')
    expect(() => readModelText(url)).toThrow(/placeholder \{\{maxLines\}\} that its code gives no value/)
    expect(() => readModelText(url, { maxLines: 1, maxEntries: 2 })).toThrow(/does not mention \{\{maxEntries\}\}/)
  })
})
