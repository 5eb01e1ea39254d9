export { slugify } from './slugify.ts'
export { wordCount } from './word-count.ts'
