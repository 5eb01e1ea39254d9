import assert from 'node:assert/strict'
import { test } from 'node:test'
import { slugify } from '../src/index.ts'

test('slugify', () => {
  assert.equal(slugify('Hello, World!'), 'hello-world')
  assert.equal(slugify('  Already-slugged  '), 'already-slugged')
  assert.equal(slugify('Numbers 2 and 3'), 'numbers-2-and-3')
})
