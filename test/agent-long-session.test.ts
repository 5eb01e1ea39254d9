import { describe, expect, it } from 'vitest'
import { runLongSession } from './support/long-session.ts'

describe('a long session', () => {
  it('runs 300 scripted steps through a real provider with every request inside the window', async () => {
    const figures = await runLongSession(300, 16_000)
    expect(figures.outcome).toMatchObject({ status: 'finished', output: 'done after 300 steps', steps: 300 })
    expect(figures.compactions).toBeGreaterThan(0)
    // Characters / 3 over-counts tokens for this text (about 4 characters per token), and the answer needs its 2,000 tokens too.
    expect(figures.largestRequestTokens + 2_000).toBeLessThanOrEqual(figures.windowTokens)
  }, 120_000)
})
