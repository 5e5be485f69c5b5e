// Text lengths: a TextHandle counts JavaScript string units (UTF-16), CPython counts code
// points. These helpers keep reads from splitting a surrogate pair and convert where
// CPython's arithmetic (the bytes-per-character ratio of tell()) needs code points.

const SURROGATE = /[\ud800-\udfff]/;

/** Code points in s[0, end) (end never splits a pair): what CPython's lengths count. */
export function codePoints(s: string, end: number): number {
  if (!SURROGATE.test(s)) return end;
  let n = end;
  for (let i = 0; i < end - 1; i++) {
    if (isPairCut(s, i + 1)) {
      n--;
      i++;
    }
  }
  return n;
}

/** Does `end` fall between the halves of a surrogate pair? */
export function isPairCut(s: string, end: number): boolean {
  const hi = s.charCodeAt(end - 1);
  const lo = s.charCodeAt(end);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

/** A readline() limit cut, moved one unit on rather than splitting a pair. */
export function cutAt(line: string, end: number, start: number): number {
  return end > start && end < line.length && isPairCut(line, end) ? end + 1 : end;
}
