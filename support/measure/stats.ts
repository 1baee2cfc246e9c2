/** Small statistics and number formatting shared by the bench and the measuring scripts. */

/** Linear interpolation between closest ranks (the usual "R-7" definition). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const low = sorted[Math.floor(rank)] ?? NaN;
  const high = sorted[Math.ceil(rank)] ?? NaN;
  return low + (high - low) * (rank - Math.floor(rank));
}

export const median = (values: readonly number[]): number => percentile(values, 0.5);
export const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** 12,345 */
export const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US');

/** 1.23x */
export const formatRatio = (value: number): string => `${value.toFixed(2)}x`;

/** 12.3 ms (one decimal below 100 ms) */
export const formatMs = (value: number): string => (value < 100 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`);
