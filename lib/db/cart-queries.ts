import { type Kysely, sql } from 'kysely';
import { precompile, slot } from './precompiled';
import type { Database } from './schema';
import { bumpSessionVersion, isSessionValid } from './user-queries';
import {
  type AddToCartResult,
  type Cart,
  isValidLineQuantity,
  MAX_LINE_QUANTITY,
  type Product,
  type ProductPage,
  type SessionGuard,
  type SetQuantityResult,
} from './store';

export async function listProducts(db: Kysely<Database>, page: number, pageSize: number): Promise<ProductPage> {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('products')
      .select(['id', 'name', 'price_cents'])
      .orderBy('id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((row) => ({ id: row.id, name: row.name, priceCents: row.price_cents })),
    page,
    pageSize,
    total: Number(total.n),
  };
}

export async function findProduct(db: Kysely<Database>, id: number): Promise<Product | null> {
  const row = await db.selectFrom('products').select(['id', 'name', 'price_cents']).where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, name: row.name, priceCents: row.price_cents } : null;
}

export async function insertMissingProducts(db: Kysely<Database>, products: Product[]): Promise<number> {
  if (products.length === 0) return 0;
  const result = await db
    .insertInto('products')
    .values(products.map((product) => ({ id: product.id, name: product.name, price_cents: product.priceCents })))
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

const selectCartLines = precompile((db) =>
  db
    .selectFrom('cart_items')
    .innerJoin('products', 'products.id', 'cart_items.product_id')
    .select(['cart_items.product_id', 'cart_items.quantity', 'products.name', 'products.price_cents'])
    .where('cart_items.user_id', '=', slot<string>(0))
    .orderBy('cart_items.product_id'),
);

export async function getCart(db: Kysely<Database>, userId: string): Promise<Cart> {
  const { rows } = await selectCartLines(db, [userId]);
  const items = rows.map((row) => ({
    productId: row.product_id,
    name: row.name,
    priceCents: row.price_cents,
    quantity: row.quantity,
  }));
  return {
    items,
    count: items.reduce((sum, line) => sum + line.quantity, 0),
    totalCents: items.reduce((sum, line) => sum + line.quantity * line.priceCents, 0),
  };
}

async function userExists(db: Kysely<Database>, userId: string): Promise<boolean> {
  return Boolean(await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst());
}

/** How a cart write runs: `guard` for one on behalf of a session (see SessionGuard). */
export interface CartWriteOptions {
  lockRows: boolean;
  guard?: SessionGuard;
}

/**
 * Why the write may not run, read first in its transaction: with a guard, a session no
 * longer valid (the check and the write then commit together, see isSessionValid); else an
 * unknown user. null: go ahead.
 */
async function refusalOf(trx: Kysely<Database>, userId: string, options: CartWriteOptions): Promise<'session-ended' | 'unknown-user' | null> {
  if (options.guard) return (await isSessionValid(trx, userId, options.guard, options.lockRows)) ? null : 'session-ended';
  return (await userExists(trx, userId)) ? null : 'unknown-user';
}

/**
 * Adds to a line atomically (one upsert), so concurrent adds sum exactly. The line's
 * quantity never exceeds MAX_LINE_QUANTITY: the guarded upsert then changes no row.
 */
export async function addToCart(
  db: Kysely<Database>,
  userId: string,
  productId: number,
  quantity: number,
  options: CartWriteOptions,
): Promise<AddToCartResult> {
  if (!Number.isInteger(quantity) || quantity < 1) return 'invalid-quantity';
  if (quantity > MAX_LINE_QUANTITY) return 'limit-exceeded';
  return db.transaction().execute(async (trx) => {
    const refusal = await refusalOf(trx, userId, options);
    if (refusal) return refusal;
    if (!(await findProduct(trx, productId))) return 'unknown-product';
    const result = await trx
      .insertInto('cart_items')
      .values({ user_id: userId, product_id: productId, quantity })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'product_id'])
          .doUpdateSet({ quantity: sql`cart_items.quantity + excluded.quantity` })
          .where(sql<boolean>`cart_items.quantity + excluded.quantity <= ${MAX_LINE_QUANTITY}`),
      )
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return 'limit-exceeded';
    await bumpSessionVersion(trx, userId);
    return 'added';
  });
}

/** Sets a line's quantity; 0 removes the line. */
export async function setCartQuantity(
  db: Kysely<Database>,
  userId: string,
  productId: number,
  quantity: number,
  options: CartWriteOptions,
): Promise<SetQuantityResult> {
  if (quantity !== 0 && !isValidLineQuantity(quantity)) return 'invalid-quantity';
  return db.transaction().execute(async (trx) => {
    const refusal = await refusalOf(trx, userId, options);
    if (refusal) return refusal;
    const where = trx
      .selectFrom('cart_items')
      .select('quantity')
      .where('user_id', '=', userId)
      .where('product_id', '=', productId);
    if (!(await where.executeTakeFirst())) return 'not-in-cart';
    if (quantity === 0) {
      await trx.deleteFrom('cart_items').where('user_id', '=', userId).where('product_id', '=', productId).execute();
    } else {
      await trx
        .updateTable('cart_items')
        .set({ quantity })
        .where('user_id', '=', userId)
        .where('product_id', '=', productId)
        .execute();
    }
    await bumpSessionVersion(trx, userId);
    return quantity === 0 ? 'removed' : 'updated';
  });
}
