export { createKyselyStore } from './kysely-store.ts'
