import type { GetServerSideProps } from 'next';
import { getServerSession } from 'next-auth/next';
import { ProductList } from '@/components/ProductList';
import { getSessions } from '@/lib/auth';
import { type LastAddedProduct, readLastAdded } from '@/lib/cart/last-added';
import { authOptions } from '@/pages/api/auth/[...nextauth]';

interface Props {
  lastAdded: LastAddedProduct | null;
}

/**
 * The last-added hint is read on the server (an httpOnly cookie), so it renders with the
 * page, and only for the user who added the product: the session says who is asking.
 */
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res }) => {
  getSessions().guard(req, res); // getServerSession re-writes the session cookie
  const session = await getServerSession(req, res, authOptions);
  return { props: { lastAdded: await readLastAdded(req.cookies, session?.user.id ?? null) } };
};

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
