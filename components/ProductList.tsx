import { useSession } from 'next-auth/react';
import { useState } from 'react';
import useSWR from 'swr';
import { send } from '@/lib/http';
import { FieldError } from './FieldError';
import { formatCents } from './format';
import { useAsyncAction } from './use-async-action';

interface Product {
  id: number;
  name: string;
  priceCents: number;
}

const PAGE_SIZE = 24;

function AddToCartButton({ product }: { product: Product }) {
  const { run: add, error, pending: adding } = useAsyncAction(() => send('POST', '/api/cart', { productId: product.id, quantity: 1 }));

  return (
    <div>
      <button type="button" className="button" onClick={() => void add()} disabled={adding} aria-label={`Add ${product.name} to cart`}>
        {adding ? 'Adding…' : 'Add to cart'}
      </button>
      <FieldError error={error} />
    </div>
  );
}

export function ProductList() {
  const { data: session } = useSession();
  const [page, setPage] = useState(1);
  const { data, error, isLoading } = useSWR<{ items: Product[]; total: number }>(`/api/products?page=${page}&pageSize=${PAGE_SIZE}`);
  const locale = session?.user.preferences.locale;

  if (error) return <FieldError error={error} />;
  if (isLoading || !data) return <p className="muted">Loading products…</p>;
  if (data.items.length === 0) return <p className="muted">No products.</p>;
  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));

  return (
    <>
      <ul className="grid" aria-label="Products">
        {data.items.map((product) => (
          <li key={product.id} className="card product" data-testid={`product-${product.id}`}>
            <strong>{product.name}</strong>
            <span className="muted">#{product.id}</span>
            <span>{formatCents(product.priceCents, locale)}</span>
            {session ? <AddToCartButton product={product} /> : <span className="muted">Sign in to buy</span>}
          </li>
        ))}
      </ul>
      <nav className="pager" aria-label="Pages">
        <button type="button" className="button button--ghost" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span>
          Page {page} of {pages}
        </span>
        <button type="button" className="button button--ghost" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </nav>
    </>
  );
}
