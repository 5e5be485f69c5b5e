// Codecs against the oracle: CPython 3.11's `codecs` module, run once per test on a batch of
// seeded random cases. A failure is shrunk (again against CPython) to a minimal input.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lookupCodec, validateErrors, type ErrorsMode, type IncrementalDecoder } from '../ts/codecs';
import { prng, seedFrom, type Rng } from './helpers';

const PY = String.raw`
import sys, json, codecs
def err(e): return {'type': type(e).__name__, 'msg': str(e)}
def run(c):
    op = c['op']
    if op == 'decode':
        mk = lambda: codecs.getincrementaldecoder(c['enc'])(c['errors'])
        d = mk(); data = bytes.fromhex(c['hex']); cuts = [0] + c['splits'] + [len(data)]
        outs, states = [], []
        for k in range(len(cuts) - 1):
            if c.get('swap') == k:
                st = d.getstate(); d = mk(); d.setstate(st)
            try:
                outs.append(d.decode(data[cuts[k]:cuts[k+1]], k == len(cuts) - 2 and c['final']))
            except UnicodeError as e:
                st = d.getstate()
                return {'outs': outs, 'states': states, 'error': err(e), 'after': [st[0].hex(), int(st[1])]}
            st = d.getstate(); states.append([st[0].hex(), int(st[1])])
        return {'outs': outs, 'states': states}
    if op == 'encode':
        e = codecs.getincrementalencoder(c['enc'])(c['errors'])
        if c.get('setstate') is not None: e.setstate(c['setstate'])
        outs = []
        for p in c['pieces']:
            try: outs.append(e.encode(p).hex())
            except UnicodeError as x: return {'outs': outs, 'error': err(x), 'state': e.getstate()}
        return {'outs': outs, 'state': e.getstate()}
    if op == 'name':
        try: return {'name': codecs.lookup(c['name']).name}
        except LookupError: return {'name': None}
sys.stdout.write(json.dumps([run(c) for c in json.loads(sys.stdin.buffer.read())]))
`;

interface DecodeCase { op: 'decode'; enc: string; errors: ErrorsMode; hex: string; splits: number[]; final: boolean; swap?: number }
interface EncodeCase { op: 'encode'; enc: string; errors: ErrorsMode; pieces: string[]; setstate?: number }
type Case = DecodeCase | EncodeCase;
type Result = Record<string, unknown>;

function oracle(cases: unknown[]): Result[] {
  const r = spawnSync('python3', ['-c', PY], { input: JSON.stringify(cases), maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout.toString()) as Result[];
}

const PY_TYPE: Record<string, string> = {
  ERR_ENCODING_INVALID_ENCODED_DATA: 'Unicode(Decode)Error',
  ERR_ENCODING_UNENCODABLE: 'UnicodeEncodeError',
};
function jsErr(e: unknown): { type: string; msg: string } {
  const err = e as Error & { code?: string };
  return { type: PY_TYPE[err.code ?? ''] ?? `JS ${err.code}: ${err.stack}`, msg: err.message };
}
function normPy(r: Result): Result {
  const e = r.error as { type: string; msg: string } | undefined;
  if (e && (e.type === 'UnicodeDecodeError' || e.type === 'UnicodeError')) e.type = 'Unicode(Decode)Error';
  return r;
}

function runJs(c: Case): Result {
  const codec = lookupCodec(c.enc);
  if (c.op === 'encode') {
    const e = codec.newEncoder(c.errors);
    if (c.setstate !== undefined) e.setstate(c.setstate);
    const outs: string[] = [];
    for (const p of c.pieces) {
      try { outs.push(e.encode(p).toString('hex')); } catch (x) {
        return { outs, error: jsErr(x), state: e.getstate() };
      }
    }
    return { outs, state: e.getstate() };
  }
  let d: IncrementalDecoder = codec.newDecoder(c.errors);
  const data = Buffer.from(c.hex, 'hex');
  const cuts = [0, ...c.splits, data.length];
  const outs: string[] = [];
  const states: [string, number][] = [];
  const st = (): [string, number] => { const s = d.getstate(); return [Buffer.from(s.pending).toString('hex'), s.flag]; };
  for (let k = 0; k < cuts.length - 1; k++) {
    if (c.swap === k) {
      const s = d.getstate();
      d = codec.newDecoder(c.errors);
      d.setstate(s);
    }
    // a fresh copy, so a decoder that kept a view into the caller's buffer is caught
    const piece = new Uint8Array(data.subarray(cuts[k], cuts[k + 1]));
    try {
      outs.push(d.decode(piece, k === cuts.length - 2 && c.final));
    } catch (x) {
      return { outs, states, error: jsErr(x), after: st() };
    }
    piece.fill(0x41);
    states.push(st());
  }
  return { outs, states };
}

function mismatch(c: Case, py: Result): string | null {
  let js: Result;
  try { js = runJs(c); } catch (e) { js = { crash: String((e as Error).stack) }; }
  const a = JSON.stringify(js);
  const b = JSON.stringify(normPy(py));
  return a === b ? null : `\n  js:     ${a}\n  python: ${b}`;
}

function shrinkCandidates(c: Case): Case[] {
  const out: Case[] = [];
  if (c.op === 'decode') {
    const n = c.hex.length / 2;
    for (let i = 0; i < n; i++) {
      const hex = c.hex.slice(0, 2 * i) + c.hex.slice(2 * i + 2);
      const splits = [...new Set(c.splits.map((s) => (s > i ? s - 1 : s)))].filter((s) => s <= n - 1);
      out.push({ ...c, hex, splits, swap: c.swap !== undefined && c.swap > splits.length ? undefined : c.swap });
    }
    for (let k = 0; k < c.splits.length; k++) {
      out.push({ ...c, splits: c.splits.filter((_, j) => j !== k), swap: undefined });
    }
    if (c.swap !== undefined) out.push({ ...c, swap: undefined });
  } else {
    c.pieces.forEach((p, k) => {
      if (c.pieces.length > 1) out.push({ ...c, pieces: c.pieces.filter((_, j) => j !== k) });
      for (let i = 0; i < p.length; i++) {
        out.push({ ...c, pieces: c.pieces.map((q, j) => (j === k ? q.slice(0, i) + q.slice(i + 1) : q)) });
      }
    });
  }
  return out;
}

/** Runs every case against CPython; on failure shrinks the first one and fails with it. */
function verify(cases: Case[]): void {
  const py = oracle(cases);
  const bad = cases.map((c, i) => mismatch(c, py[i])).map((m, i) => [m, i] as const).filter(([m]) => m !== null);
  if (bad.length === 0) return;
  let diff = bad[0][0];
  const idx = bad[0][1];
  let c = cases[idx];
  for (let round = 0; round < 200; round++) {
    const cands = shrinkCandidates(c);
    if (cands.length === 0) break;
    const pyc = oracle(cands);
    const k = cands.findIndex((cand, i) => mismatch(cand, pyc[i]) !== null);
    if (k < 0) break;
    c = cands[k];
    diff = mismatch(c, pyc[k]);
  }
  assert.unreachable(`${bad.length}/${cases.length} cases differ from CPython; minimal: ${JSON.stringify(c)}${diff}`);
}

// ---- seeded generators ----
// CODECS_SEED: a number replays, 'random' explores (each generator adds its own offset).
const SEED = seedFrom('CODECS_SEED', 0);
const rng = (offset: number): Rng => prng(SEED + offset);

const CHARS = ['a', 'Z', '\n', '\0', '?', '\x7f', '\x80', '\x9f', '\xe9', '\xff', '\u0100', '\u20ac', '\ufeff',
  '\ufffd', '\uffff', '\ud7ff', '\ue000', '\u{1f600}', '\u{10ffff}', '\u{10000}', '\ud800', '\udbff', '\udc00', '\udfff'];

function randomBytes(r: Rng, utf16: boolean): number[] {
  const out: number[] = [];
  const n = r.int(0, 14);
  while (out.length < n) {
    const k = r.next();
    if (k < 0.2) out.push(r.int(0, 0x7f));
    else if (k < 0.4) out.push(r.int(0x80, 0xbf));
    else if (k < 0.55) out.push(r.pick([0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff, 0xfe]));
    else if (k < 0.65) out.push(...r.pick([[0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xed, 0xa0, 0x80], [0xe0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]]));
    else if (k < 0.8 && utf16) out.push(...r.pick([[0x00, 0xd8], [0xff, 0xdb], [0x00, 0xdc], [0xd8, 0x00], [0xdc, 0x00], [0x3d, 0xd8, 0x00, 0xde], [0xd8, 0x3d, 0xde, 0x00]]));
    else out.push(...Buffer.from(r.pick(CHARS.slice(0, 19)), 'utf8'));
  }
  return out;
}

function randomSplits(r: Rng, n: number): number[] {
  const k = r.int(0, 3);
  const s = new Set<number>();
  for (let i = 0; i < k; i++) s.add(r.int(0, n));
  return [...s].sort((a, b) => a - b);
}

const ENCODINGS = ['utf-8', 'utf-8-sig', 'utf-16', 'utf-16-le', 'utf-16-be', 'latin-1', 'ascii'];
const MODES: ErrorsMode[] = ['strict', 'replace', 'ignore'];

test('decode: random bytes, every encoding and errors mode, random split points', () => {
  const r = rng(1);
  const cases: Case[] = [];
  for (const enc of ENCODINGS) {
    for (const errors of MODES) {
      for (let i = 0; i < 200; i++) {
        const bytes = randomBytes(r, enc.startsWith('utf-16'));
        if (enc === 'utf-16' && r.next() < 0.6) bytes.unshift(...r.pick([[0xff, 0xfe], [0xfe, 0xff]]));
        if (enc === 'utf-8-sig' && r.next() < 0.5) bytes.unshift(0xef, 0xbb, 0xbf);
        const splits = randomSplits(r, bytes.length);
        const swap = r.next() < 0.3 ? r.int(0, splits.length) : undefined;
        cases.push({ op: 'decode', enc, errors, hex: Buffer.from(bytes).toString('hex'), splits, final: r.next() < 0.8, swap });
      }
    }
  }
  verify(cases);
});

test('decode: every single-byte split of tricky sequences decodes as one call', () => {
  const seqs = ['efbbbf61', 'f09f9880', 'e282ac', 'ffe0a080', 'fffe3dd800de', 'feffd83dde00', '3dd800de41', 'edbfbf', 'f4908080'];
  const cases: Case[] = [];
  for (const enc of ENCODINGS) {
    for (const errors of MODES) {
      for (const hex of seqs) {
        const n = hex.length / 2;
        for (let s = 0; s <= n; s++) cases.push({ op: 'decode', enc, errors, hex, splits: [s], final: true, swap: 1 });
        cases.push({ op: 'decode', enc, errors, hex, splits: Array.from({ length: n }, (_, i) => i), final: false });
      }
    }
  }
  verify(cases);
});

test('encode: random strings with lone surrogates, astral and out-of-range characters', () => {
  const r = rng(2);
  const cases: Case[] = [];
  for (const enc of ENCODINGS) {
    for (const errors of MODES) {
      for (let i = 0; i < 120; i++) {
        const pieces = Array.from({ length: r.int(1, 3) }, () =>
          Array.from({ length: r.int(0, 6) }, () => r.pick(CHARS)).join(''));
        const setstate = (enc === 'utf-16' || enc === 'utf-8-sig') && r.next() < 0.3 ? 0 : undefined;
        cases.push({ op: 'encode', enc, errors, pieces, setstate });
      }
    }
  }
  verify(cases);
});

test('decode: large chunks take the fast path and still match CPython', () => {
  const r = rng(3);
  const cases: Case[] = [];
  for (const enc of ENCODINGS) {
    for (const errors of MODES) {
      const text = Array.from({ length: 3000 }, () => r.pick(CHARS.slice(0, 19))).join('');
      const bytes = [...Buffer.from(text, enc.startsWith('utf-16') ? 'utf16le' : 'utf8')];
      if (r.next() < 0.5) bytes[r.int(0, bytes.length - 1)] = 0xff; // one bad byte somewhere
      cases.push({ op: 'decode', enc, errors, hex: Buffer.from(bytes).toString('hex'), splits: randomSplits(r, bytes.length), final: true, swap: 1 });
    }
  }
  verify(cases);
});

test('names: Python and Node spellings resolve to Python canonical names', () => {
  const names = ['utf-8', 'utf8', 'UTF-8', 'u8', 'utf', 'cp65001', 'Utf 8', ' utf--8 ', 'utf-8-sig', 'utf_8_sig', 'UTF-8 SIG',
    'utf-16', 'utf16', 'U16', 'utf-16-le', 'utf-16le', 'utf_16_le', 'UnicodeLittleUnmarked', 'utf-16-be', 'utf_16be',
    'latin-1', 'latin1', 'Latin_1', 'iso-8859-1', 'iso8859-1', 'ISO_8859-1', 'l1', 'cp819', 'latin',
    'ascii', 'us-ascii', 'US_ASCII', '646', 'ansi_x3.4_1968', 'cp1252', 'windows-1252', 'shift_jis', 'sjis', 'Shift-JIS',
    'euc-jp', 'euc_jp', 'gbk', 'gb18030', 'big5', 'euc-kr', 'koi8-r', 'koi8_u', 'iso-8859-2', 'latin2', 'cp866', 'macintosh',
    'iso-2022-jp', 'iso8859-15'];
  const py = oracle(names.map((name) => ({ op: 'name', name })));
  names.forEach((n, i) => assert.is(lookupCodec(n).name, py[i].name, n));
  // Node's spellings Python lacks, and WHATWG labels it lacks
  assert.is(lookupCodec('utf16le').name, 'utf-16-le');
  assert.is(lookupCodec('ucs2').name, 'utf-16-le');
  assert.is(lookupCodec('x-mac-cyrillic').name, 'mac-cyrillic');
  assert.is(lookupCodec('unicode-1-1-utf-8').name, 'utf-8');
  assert.is(lookupCodec('latin1').fixedWidth, 1);
  assert.is(lookupCodec('ascii').fixedWidth, 1);
  assert.is(lookupCodec('utf-8').fixedWidth, null);
  assert.is(lookupCodec('utf-16-le').fixedWidth, null);
});

test('names: unknown encodings throw RangeError ERR_ENCODING_NOT_SUPPORTED', () => {
  for (const n of ['bogus', '', 'utf-9', 'replacement', 'iso-2022-kr', 'x-user-defined', 'utf-32x']) {
    try { lookupCodec(n); assert.unreachable(n); } catch (e) {
      assert.instance(e, RangeError, n);
      assert.is((e as { code?: string }).code, 'ERR_ENCODING_NOT_SUPPORTED', n);
    }
  }
  try { lookupCodec(42 as unknown as string); assert.unreachable(); } catch (e) {
    assert.is((e as { code?: string }).code, 'ERR_ENCODING_NOT_SUPPORTED');
  }
});

test('validateErrors: the three Python modes, anything else ERR_INVALID_ARG_VALUE', () => {
  for (const m of MODES) assert.is(validateErrors(m), m);
  for (const bad of ['surrogateescape', 'STRICT', '', null, undefined, 1, {}, 'backslashreplace']) {
    try { validateErrors(bad); assert.unreachable(String(bad)); } catch (e) {
      assert.instance(e, TypeError);
      assert.is((e as { code?: string }).code, 'ERR_INVALID_ARG_VALUE', String(bad));
    }
  }
});

test('strict errors carry Node codes and TypeError', () => {
  try { lookupCodec('utf-8').newDecoder('strict').decode(Buffer.from([0x61, 0x62, 0x63, 0xff])); assert.unreachable(); } catch (e) {
    assert.instance(e, TypeError);
    assert.is((e as { code?: string }).code, 'ERR_ENCODING_INVALID_ENCODED_DATA');
    assert.is((e as Error).message, "'utf-8' codec can't decode byte 0xff in position 3: invalid start byte");
  }
  try { lookupCodec('ascii').newEncoder('strict').encode('\xe9'); assert.unreachable(); } catch (e) {
    assert.instance(e, TypeError);
    assert.is((e as { code?: string }).code, 'ERR_ENCODING_UNENCODABLE');
    assert.is((e as Error).message, "'ascii' codec can't encode character '\\xe9' in position 0: ordinal not in range(128)");
  }
});

test('latin-1 is ISO-8859-1 and ascii is strict 7-bit', () => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const s = lookupCodec('latin1').newDecoder('strict').decode(all);
  for (let i = 0; i < 256; i++) assert.is(s.charCodeAt(i), i);
  assert.equal(lookupCodec('latin1').newEncoder('strict').encode(s), all);
  assert.is(lookupCodec('ascii').newDecoder('replace').decode(Buffer.from([0x41, 0xc1])), 'A\ufffd');
});

function legacyCases(enc: string, alphabet: string, seed: number): { op: 'encode'; enc: string; errors: ErrorsMode; pieces: string[] }[] {
  const r = rng(seed);
  const chars = [...alphabet];
  return Array.from({ length: 200 }, () => ({
    op: 'encode' as const, enc, errors: 'strict' as const,
    pieces: [Array.from({ length: r.int(0, 12) }, () => r.pick(chars)).join('')],
  }));
}

test('legacy encodings: shift_jis and windows-1252 write and read back as CPython', () => {
  const sets: [string, string][] = [
    ['shift_jis', 'abcXYZ 019\n\u3042\u3044\u3046\u30a2\u30a4\u30f3\u65e5\u672c\u8a9e\u6f22\u5b57\u3001\u3002\uff71\uff72\uff61'],
    ['cp1252', 'abc \n\xa0\xe9\xff\xc0\u20ac\u201a\u0192\u2026\u2122\u0160\u0178\u02dc'],
    ['iso8859-2', 'abc \u0104\u0141\u017b\xe9\u02d9'],
  ];
  sets.forEach(([enc, alphabet], k) => {
    const cases = legacyCases(enc, alphabet, 10 + k);
    const py = oracle(cases);
    cases.forEach((c, i) => {
      const want = (py[i].outs as string[])[0];
      const got = lookupCodec(enc).newEncoder('strict').encode(c.pieces[0]).toString('hex');
      assert.is(got, want, `${enc} encode ${JSON.stringify(c.pieces[0])}`);
      const back = lookupCodec(enc).newDecoder('strict');
      const bytes = Buffer.from(want, 'hex');
      const mid = Math.floor(bytes.length / 2);
      assert.is(back.decode(bytes.subarray(0, mid)) + back.decode(bytes.subarray(mid), true), c.pieces[0], `${enc} decode ${want}`);
    });
  });
  // unencodable characters: strict errors as CPython, replace gives '?'
  const enc = lookupCodec('cp1252');
  try { enc.newEncoder('strict').encode('a\u0100\u0101b'); assert.unreachable(); } catch (e) {
    assert.is((e as { code?: string }).code, 'ERR_ENCODING_UNENCODABLE');
    assert.is((e as Error).message, "'charmap' codec can't encode characters in position 1-2: character maps to <undefined>");
  }
  assert.is(enc.newEncoder('replace').encode('a\u0100\u{1f600}?').toString('latin1'), 'a???');
  assert.is(enc.newEncoder('ignore').encode('a\u0100\ud800b').toString('latin1'), 'ab');
  try { lookupCodec('shift_jis').newEncoder('strict').encode('\u3042\u0100'); assert.unreachable(); } catch (e) {
    assert.is((e as Error).message, "'shift_jis' codec can't encode character '\\u0100' in position 1: illegal multibyte sequence");
  }
  try { lookupCodec('shift_jis').newDecoder('strict').decode(Buffer.from([0x41, 0x81, 0x20])); assert.unreachable(); } catch (e) {
    assert.is((e as { code?: string }).code, 'ERR_ENCODING_INVALID_ENCODED_DATA');
    assert.is((e as Error).message, "'shift_jis' codec can't decode byte 0x81 in position 1: illegal multibyte sequence");
  }
  // a split double-byte character is held as pending state, as CPython does
  const d = lookupCodec('shift_jis').newDecoder('strict');
  assert.is(d.decode(Buffer.from([0x41, 0x93])), 'A');
  assert.equal([...d.getstate().pending], [0x93]);
  assert.is(d.decode(Buffer.from([0xfa])), '\u65e5');
  assert.is(lookupCodec('windows-1252').newDecoder('ignore').decode(Buffer.from([0x80, 0x41])), '\u20acA');
});

test('decoders keep only a few pending bytes', () => {
  const d = lookupCodec('utf-8').newDecoder('strict');
  const chunk = Buffer.from('x'.repeat(1000) + '\u20ac'.repeat(1000));
  for (let i = 0; i < 50; i++) {
    d.decode(chunk.subarray(0, chunk.length - 1));
    d.decode(chunk.subarray(chunk.length - 1));
    assert.is(d.getstate().pending.length, 0);
  }
  d.decode(Buffer.from([0xf0, 0x9f, 0x98]));
  assert.is(d.getstate().pending.length, 3);
});

test.run();
