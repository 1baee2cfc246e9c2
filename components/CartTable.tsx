import { useSession } from 'next-auth/react';
import Link from 'next/link';
import useSWR from 'swr';
import { send } from '@/lib/http';
import { FieldError } from './FieldError';
import { formatCents } from './format';
import { useAsyncAction } from './use-async-action';

interface CartLine {
  productId: number;
  name: string;
  priceCents: number;
  quantity: number;
}

interface Cart {
  items: CartLine[];
  count: number;
  totalCents: number;
}

const QUANTITIES = Array.from({ length: 99 }, (_, index) => index + 1);

function CartRow({ line, locale, onChanged }: { line: CartLine; locale?: string; onChanged: (cart: Cart) => void }) {
  const { run: change, error, pending: busy } = useAsyncAction(async (method: 'PATCH' | 'DELETE', body?: unknown) => {
    const result = await send<{ cart: Cart }>(method, `/api/cart/${line.productId}`, body);
    onChanged(result.cart);
  });

  return (
    <tr data-testid={`cart-line-${line.productId}`}>
      <td>{line.name}</td>
      <td>{formatCents(line.priceCents, locale)}</td>
      <td>
        <label className="visually-hidden" htmlFor={`qty-${line.productId}`}>
          Quantity of {line.name}
        </label>
        <select
          id={`qty-${line.productId}`}
          value={line.quantity}
          disabled={busy}
          onChange={(event) => void change('PATCH', { quantity: Number(event.target.value) })}
        >
          {QUANTITIES.map((quantity) => (
            <option key={quantity} value={quantity}>
              {quantity}
            </option>
          ))}
        </select>
        <FieldError error={error} />
      </td>
      <td>{formatCents(line.priceCents * line.quantity, locale)}</td>
      <td>
        <button type="button" className="button button--ghost" disabled={busy} onClick={() => void change('DELETE')} aria-label={`Remove ${line.name}`}>
          Remove
        </button>
      </td>
    </tr>
  );
}

export function CartTable() {
  const { data: session } = useSession();
  const { data, error, isLoading, mutate } = useSWR<Cart>('/api/cart');
  const locale = session?.user.preferences.locale;

  if (error) return <FieldError error={error} />;
  if (isLoading || !data) return <p className="muted">Loading cart…</p>;
  if (data.items.length === 0) {
    return (
      <p data-testid="cart-empty">
        Your cart is empty. <Link href="/shop">Browse the shop</Link>.
      </p>
    );
  }

  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Product</th>
          <th scope="col">Price</th>
          <th scope="col">Quantity</th>
          <th scope="col">Subtotal</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {data.items.map((line) => (
          <CartRow key={line.productId} line={line} locale={locale} onChanged={(cart) => mutate(cart, { revalidate: false })} />
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>
            Total ({data.count} items)
          </th>
          <td data-testid="cart-total">{formatCents(data.totalCents, locale)}</td>
          <td />
        </tr>
      </tfoot>
    </table>
  );
}
