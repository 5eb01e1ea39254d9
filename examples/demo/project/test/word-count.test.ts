import assert from 'node:assert/strict'
import { test } from 'node:test'
import { wordCount } from '../src/index.ts'

test('wordCount', () => {
  assert.equal(wordCount('  two  words '), 2)
  assert.equal(wordCount(''), 0)
  assert.equal(wordCount('one'), 1)
  assert.equal(wordCount('tabs\tand\nnewlines'), 3)
})
