import { defineRoute } from '@/lib/api';
import { productPageSchema } from '@/lib/cart/cart-input';
import { getStore } from '@/lib/db';

/** GET /api/products?page=1&pageSize=24: the catalog, public. */
export default defineRoute({
  GET: async (req, res) => {
    const { page, pageSize } = productPageSchema.parse(req.query);
    res.status(200).json(await (await getStore()).listProducts(page, pageSize));
  },
});
