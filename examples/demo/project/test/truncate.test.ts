import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as textkit from '../src/index.ts'

test('truncate', () => {
  const { truncate } = textkit as unknown as { truncate: (text: string, max: number) => string }
  assert.equal(typeof truncate, 'function', 'truncate is exported from src/index.ts')
  assert.equal(truncate('abcdef', 4), 'abc…')
  assert.equal(truncate('abc', 4), 'abc')
  assert.equal(truncate('abcd', 4), 'abcd')
})
