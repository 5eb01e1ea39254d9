import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeStoreContract } from './store-contract.ts'

describeStoreContract({
  name: 'sqlite',
  async createLocation() {
    const directory = await mkdtemp(join(tmpdir(), 'colony-store-'))
    return { location: join(directory, 'colony.db'), dispose: () => rm(directory, { recursive: true, force: true }) }
  },
})
