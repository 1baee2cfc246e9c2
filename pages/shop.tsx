import type { GetServerSideProps } from 'next';
import { ProductList } from '@/components/ProductList';
import { type LastAddedProduct, readLastAdded } from '@/lib/cart/last-added';

interface Props {
  lastAdded: LastAddedProduct | null;
}

/** The last-added hint is read on the server (an httpOnly cookie), so it renders with the page. */
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res }) => ({
  props: { lastAdded: await readLastAdded({ req, res }) },
});

export default function ShopPage({ lastAdded }: Props) {
  return (
    <section>
      <h1>Shop</h1>
      {lastAdded && (
        <p className="muted" data-testid="last-added">
          Last added to your cart: <strong>{lastAdded.name}</strong>
        </p>
      )}
      <ProductList />
    </section>
  );
}
