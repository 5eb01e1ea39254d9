export { ColonyError, isColonyError } from './colony-error.ts'
