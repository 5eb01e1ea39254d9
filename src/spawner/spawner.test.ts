import { describe, expect, it } from 'vitest'
import { runProcess, startProcess } from './index.ts'

describe('the spawn helper', () => {
  it('gives each program the environment it was asked with, whether sent before or new', async () => {
    const printed = async (value: string) => (await runProcess({ file: 'sh', args: ['-c', 'printf %s "$COLONY_TEST_VALUE"'], cwd: '/', env: { PATH: process.env.PATH, COLONY_TEST_VALUE: value } })).stdout
    expect(await Promise.all(['first', 'second', 'first', 'third'].map(printed))).toEqual(['first', 'second', 'first', 'third'])
    // More distinct environments than the helper keeps: the oldest are sent again when named.
    const many = Array.from({ length: 300 }, (_, index) => `value-${index}`)
    expect(await Promise.all(many.map(printed))).toEqual(many)
    expect(await printed('first')).toBe('first')
  })

  it('streams a program’s output as it comes, with its pid, its exit and the close of its output', async () => {
    const chunks: string[] = []
    const child = startProcess({
      file: 'sh',
      args: ['-c', 'echo out; echo err >&2; exit 3'],
      cwd: '/',
      env: { PATH: process.env.PATH },
      detached: true,
      onOutput: (chunk, from) => chunks.push(`${from}:${chunk.toString('utf8').trim()}`),
    })
    expect(await child.started).toBeGreaterThan(1)
    expect(await child.exited).toBe(3)
    await child.closed
    expect(chunks.sort()).toEqual(['stderr:err', 'stdout:out'])
  })

  it('says a program that cannot start could not, for both ways of running it', async () => {
    await expect(runProcess({ file: 'colony-no-such-program', args: [], cwd: '/', env: {} })).rejects.toMatchObject({ code: 'ENOENT' })
    const child = startProcess({ file: 'colony-no-such-program', args: [], cwd: '/', env: {}, onOutput: () => undefined })
    await expect(child.started).rejects.toMatchObject({ code: 'ENOENT' })
    await expect(child.exited).rejects.toMatchObject({ code: 'ENOENT' })
    await child.closed
  })
})
