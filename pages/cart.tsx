import { CartTable } from '@/components/CartTable';
import { RequireSignIn } from '@/components/RequireSignIn';

export default function CartPage() {
  return (
    <RequireSignIn>
      <section className="card">
        <h1>Cart</h1>
        <CartTable />
      </section>
    </RequireSignIn>
  );
}
