import { hashPassword } from '../auth/password';
import type { Product, Role, Store } from './store';

export const DEMO_USERS: ReadonlyArray<{ email: string; password: string; name: string; role: Role }> = [
  { email: 'alice@example.com', password: 'alice-password', name: 'Alice', role: 'member' },
  { email: 'admin@example.com', password: 'admin-password', name: 'Admin', role: 'admin' },
];

export const CATALOG_SIZE = 240;

const ADJECTIVES = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Everyday', 'Sturdy', 'Mini', 'Pro', 'Smart', 'Vintage', 'Wireless', 'Travel'];
const NOUNS = ['Backpack', 'Blender', 'Desk Lamp', 'Headphones', 'Kettle', 'Mug', 'Notebook', 'Pen Set', 'Speaker', 'Umbrella', 'Water Bottle', 'Wallet', 'Keyboard', 'Mouse', 'Toaster', 'Scarf', 'Sunglasses', 'Plant Pot', 'Cushion', 'Clock'];

/** Deterministic catalog: product n always has the same name and price. */
export function demoProduct(id: number): Product {
  const adjective = ADJECTIVES[id % ADJECTIVES.length];
  const noun = NOUNS[Math.floor(id / ADJECTIVES.length) % NOUNS.length];
  return { id, name: `${adjective} ${noun}`, priceCents: 499 + ((id * 737) % 9500) };
}

/** Idempotent: adds what is missing and never overwrites a user's data. */
export async function seedDemoData(store: Store): Promise<{ productsAdded: number; usersAdded: number }> {
  const productsAdded = await store.insertMissingProducts(
    Array.from({ length: CATALOG_SIZE }, (_, index) => demoProduct(index + 1)),
  );
  let usersAdded = 0;
  for (const user of DEMO_USERS) {
    if (await store.findUserByEmail(user.email)) continue;
    const created = await store.createUser({
      email: user.email,
      name: user.name,
      role: user.role,
      passwordHash: await hashPassword(user.password),
    });
    if (created) usersAdded += 1;
  }
  return { productsAdded, usersAdded };
}
