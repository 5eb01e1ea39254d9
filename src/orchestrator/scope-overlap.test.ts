import { describe, expect, it } from 'vitest'
import { scopesOverlap } from './scope-overlap.ts'

describe('scopesOverlap', () => {
  it('keeps tasks in different directories apart', () => {
    expect(scopesOverlap(['src/date/**'], ['src/format/**'])).toBe(false)
    expect(scopesOverlap(['src/date/**', 'test/date/**'], ['src/format/**', 'test/format/**'])).toBe(false)
    expect(scopesOverlap(['src/a.ts'], ['src/b.ts'])).toBe(false)
    expect(scopesOverlap(['src/*.ts'], ['docs/readme.md'])).toBe(false)
  })

  it('sees overlap through nesting, plain paths and empty scopes', () => {
    expect(scopesOverlap(['src/**'], ['src/date/**'])).toBe(true)
    expect(scopesOverlap(['src/**'], ['src/index.ts'])).toBe(true)
    expect(scopesOverlap(['src/*.ts'], ['src/index.ts'])).toBe(true)
    expect(scopesOverlap(['src/index.ts'], ['src/index.ts'])).toBe(true)
    expect(scopesOverlap([], ['src/**'])).toBe(true)
    expect(scopesOverlap(['**/*.md'], ['docs/**'])).toBe(true)
    expect(scopesOverlap(['**/*.md'], ['src/a.ts'])).toBe(false)
  })

  it('compares a plain path against a glob exactly', () => {
    expect(scopesOverlap(['src/*.ts'], ['src/nested/index.ts'])).toBe(false)
    expect(scopesOverlap(['src/**/*.test.ts'], ['src/date/parse.ts'])).toBe(false)
  })
})
