// The precise (slow) encode path, shared by every codec: taken only when the fast path
// found something unencodable. Walks code points as Python sees them (a surrogate pair is
// one character, a lone surrogate is its own character), so positions match CPython.
import { encodeError, type ErrorsMode } from './errors';

export interface EncodeSpec {
  encoding: string;          // name for error messages
  reason: string;            // CPython's reason text
  groupRuns: boolean;        // CPython reports a run of unencodable characters as one error
  canEncode(cp: number): boolean;
  encodeRun(s: string): Buffer;  // encodes a substring known to be encodable
}

export function encodeSlow(str: string, errors: ErrorsMode, spec: EncodeSpec): Buffer {
  const parts: Buffer[] = [];
  let question: Buffer | null = null;
  let runStart = 0;
  let cpIndex = 0;
  let i = 0;
  while (i < str.length) {
    const cp = str.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (spec.canEncode(cp)) { i += w; cpIndex++; continue; }
    if (i > runStart) parts.push(spec.encodeRun(str.slice(runStart, i)));
    const start = cpIndex;
    i += w; cpIndex++;
    if (spec.groupRuns) {
      while (i < str.length) {
        const c = str.codePointAt(i)!;
        if (spec.canEncode(c)) break;
        i += c > 0xffff ? 2 : 1; cpIndex++;
      }
    }
    if (errors === 'strict') throw encodeError(spec.encoding, cp, start, cpIndex, spec.reason);
    if (errors === 'replace') {
      question ??= spec.encodeRun('?');
      for (let k = start; k < cpIndex; k++) parts.push(question);
    }
    runStart = i;
  }
  if (runStart < str.length) parts.push(spec.encodeRun(str.slice(runStart)));
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

export const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;
