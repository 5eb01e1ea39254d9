import { describe, expect, it } from 'vitest'
import { createTempRepository } from '../../../test/support/cli.ts'
import { buildSystemPrompt } from '../index.ts'
import { buildRepoMap } from './index.ts'

const files = {
  'src/money.ts': 'export interface Money {\n  cents: number\n}\n\nexport function formatMoney(money: Money): string {\n  return `$${(money.cents / 100).toFixed(2)}`\n}\n',
  'src/cart.ts': "import { formatMoney, type Money } from './money.ts'\n\nexport class Cart {\n  items: Money[] = []\n  total(): Money {\n    return { cents: this.items.reduce((sum, item) => sum + item.cents, 0) }\n  }\n  describe() {\n    return formatMoney(this.total())\n  }\n}\n",
  'src/checkout.ts': "import { Cart } from './cart.ts'\nimport { formatMoney } from './money.ts'\n\nexport const checkout = (cart: Cart) => formatMoney(cart.total())\n",
  'tools/report.py': 'def summarize(rows):\n    return len(rows)\n\nclass Report:\n    def render(self):\n        return summarize([])\n',
  'AGENTS.md': 'Run `npm test` before finishing.\n',
}

describe('repo map', () => {
  it('lists definitions of several languages, most referenced first, within the token budget', async () => {
    const repository = await createTempRepository(files)
    try {
      const map = await buildRepoMap(repository.root, { tokenBudget: 2_000 })
      const order = map.split('\n').filter((line) => line && !line.includes('│'))
      expect(order[0]).toBe('src/money.ts')
      expect(order).toEqual(expect.arrayContaining(['src/cart.ts', 'src/checkout.ts', 'tools/report.py']))
      expect(map).toContain('    5│ export function formatMoney(money: Money): string {')
      expect(map).toContain('    3│ export class Cart {')
      expect(map).toContain('    4│ class Report:')
      const small = await buildRepoMap(repository.root, { tokenBudget: 40 })
      expect(small.length).toBeLessThanOrEqual(40 * 3)
      expect(small.startsWith('src/money.ts')).toBe(true)
    } finally {
      await repository.dispose()
    }
  })

  it('builds a role prompt with the role instructions, the repository AGENTS.md and the map', async () => {
    const repository = await createTempRepository(files)
    try {
      const prompt = await buildSystemPrompt({ instructions: 'You are a worker.\n', workspace: repository.root, repoMapTokens: 500 })
      expect(prompt).toMatch(/^You are a worker\.\n\n# The repository's instructions for agents \(AGENTS\.md\)\n\nRun `npm test` before finishing\./)
      expect(prompt).toContain('# Repository map')
      expect(prompt).toContain('src/money.ts')
    } finally {
      await repository.dispose()
    }
  })
})
