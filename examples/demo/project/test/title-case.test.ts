import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as textkit from '../src/index.ts'

test('titleCase', () => {
  const { titleCase } = textkit as unknown as { titleCase: (text: string) => string }
  assert.equal(typeof titleCase, 'function', 'titleCase is exported from src/index.ts')
  assert.equal(titleCase('the lord of the rings'), 'The Lord of the Rings')
  assert.equal(titleCase('a tale of two cities'), 'A Tale of Two Cities')
})
