/** Colours shared by the views: one per class, and the two signs of a weight or gradient. */
export const CLASS_COLORS: readonly (readonly [number, number, number])[] = [
  [230, 111, 81], // orange-red
  [42, 157, 143], // teal
  [91, 110, 225], // blue
];

export function classColor(k: number): string {
  const [r, g, b] = CLASS_COLORS[k % CLASS_COLORS.length];
  return `rgb(${r}, ${g}, ${b})`;
}

export const POSITIVE = '#2563eb';
export const NEGATIVE = '#ea580c';
