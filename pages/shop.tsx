import { ProductList } from '@/components/ProductList';

export default function ShopPage() {
  return (
    <section>
      <h1>Shop</h1>
      <ProductList />
    </section>
  );
}
