import { describe, expect, it } from 'vitest'
import { digestOutput } from './memory-feed.ts'

describe('digestOutput', () => {
  it("keeps the lines that say what failed, once each, without the runner's tally", () => {
    const output = [
      '\u001b[32m✔ slugify (1.2ms)\u001b[39m',
      '✖ wordCount (1.7ms)',
      'ℹ tests 2',
      'ℹ fail 1',
      'ℹ pass 1',
      '✖ failing tests:',
      '',
      '✖ wordCount (1.7ms)',
      '  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
      '  6 !== 2',
    ].join('\n')
    expect(digestOutput(output)).toBe(['✖ wordCount (1.7ms)', '✖ failing tests:', '  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:', '  6 !== 2'].join('\n'))
  })

  it('falls back to the end of the output when no line says what failed, and caps the digest', () => {
    const quiet = Array.from({ length: 40 }, (_, index) => `line ${index}`).join('\n')
    expect(digestOutput(quiet).split('\n')).toEqual(Array.from({ length: 15 }, (_, index) => `line ${index + 25}`))
    const loud = Array.from({ length: 500 }, (_, index) => `error ${index}: something broke`).join('\n')
    const digest = digestOutput(loud, 300)
    expect(digest).toMatch(/^error 0: something broke\n/)
    expect(digest).toMatch(/\[\.\.\. \d+ more characters of the digest; the whole output is in the task's gate-failed event\]$/)
  })
})
