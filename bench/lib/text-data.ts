// The text the bench reads and writes: ~39 bytes a line, every 97th line with non-ASCII
// characters (so decoders leave their ASCII path). Shared by the in-process text case and
// the per-process handle cases, so their figures are about the same bytes.
export function benchLines(count: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(i % 97 === 0 ? `line ${i}: naïve café — 日本語 ✓\n` : `line ${i}: the quick brown fox jumps over the lazy dog\n`);
  }
  return lines;
}
