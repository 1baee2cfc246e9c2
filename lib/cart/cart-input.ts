import { z } from 'zod';
import { MAX_LINE_QUANTITY } from '../db/store';

export const productIdSchema = z.coerce.number().int().positive().max(2_147_483_647);

export const addToCartSchema = z.strictObject({
  productId: productIdSchema,
  quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY).default(1),
});

export const setQuantitySchema = z.strictObject({
  quantity: z.number().int().min(0).max(MAX_LINE_QUANTITY),
});

export const productPageSchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(24),
});
