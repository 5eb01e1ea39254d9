import type { StoreContext } from './context.ts'

export async function tryLock(context: StoreContext, name: string, owner: string, ttlMs: number): Promise<boolean> {
  const { db } = context
  const at = context.now()
  await db
    .insertInto('locks')
    .values({ name, owner, until: at + ttlMs })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet({ owner, until: at + ttlMs })
        .where((row) => row.or([row('locks.until', '<', at), row('locks.owner', '=', owner)])),
    )
    .execute()
  const held = await db.selectFrom('locks').select('owner').where('name', '=', name).executeTakeFirst()
  return held?.owner === owner
}

export async function unlock(context: StoreContext, name: string, owner: string): Promise<void> {
  await context.db.deleteFrom('locks').where('name', '=', name).where('owner', '=', owner).execute()
}

export async function lockHolder(context: StoreContext, name: string): Promise<string | undefined> {
  const held = await context.db.selectFrom('locks').select('owner').where('name', '=', name).where('until', '>=', context.now()).executeTakeFirst()
  return held?.owner
}
