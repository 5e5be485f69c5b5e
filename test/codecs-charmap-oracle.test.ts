// Every single-byte code page memfile accepts, against python3 as the oracle: all code
// points 0..0xFFFF (lone surrogates and astral characters too) encoded under 'replace' and
// 'ignore' give CPython's bytes, strict errors give CPython's message, all 256 bytes decode
// as CPython decodes them (replace, ignore, strict's first error), every Python name and
// alias lands on the same codec. Then through a TextHandle: U+FFFD (which iconv-lite's
// tables mapped to a byte) is unencodable, nothing is written; and write('') at the start
// of a utf-16 / utf-8-sig stream writes the BOM, as CPython does.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { lookupCodec, type ErrorsMode } from '../ts/codecs';
import { CHARMAPS } from '../ts/codecs/charmaps';
import { MemFile } from '../ts/index';
import { throwsCode } from './helpers';

const test = suite('codecs: single-byte code pages = CPython');

function python(script: string, input: unknown): unknown {
  const out = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), maxBuffer: 1 << 28, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`python3 failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

// BMP without surrogates (a JS string would pair them), then lone surrogates and astral
// characters each between ASCII letters.
const PY_TEXT = String.raw`
import base64, codecs, json, sys
bmp = ''.join(map(chr, range(0xd800))) + ''.join(map(chr, range(0xe000, 0x10000)))
odd = 'a\ud800b\udbffc\udc00d\udfffe\U00010000f\U0001f600g\U0010ffffh'
def b64(b): return base64.b64encode(b).decode()
def first_error(f):
    try: f(); return None
    except UnicodeError as e: return str(e)
out = []
for name in json.load(sys.stdin):
    info = codecs.lookup(name)
    enc = lambda s, e: info.encode(s, e)[0]
    dec = lambda b, e: info.decode(b, e)[0]
    every = bytes(range(256))
    encodable = ''.join(sorted(set(dec(every, 'ignore'))))  # a code page encodes exactly what it decodes to
    out.append({
        'name': info.name,
        'replace': b64(enc(bmp, 'replace')), 'ignore': b64(enc(bmp, 'ignore')),
        'oddReplace': b64(enc(odd, 'replace')), 'oddIgnore': b64(enc(odd, 'ignore')),
        'strictAll': first_error(lambda: enc(bmp, 'strict')),
        'strictOdd': first_error(lambda: enc(odd, 'strict')),
        'strictFffd': first_error(lambda: enc('ok\ufffd', 'strict')),
        'encodable': b64(enc(encodable, 'strict')), 'encodableCount': len(encodable),
        'decReplace': dec(every, 'replace'), 'decIgnore': dec(every, 'ignore'),
        'decStrict': first_error(lambda: dec(every, 'strict')),
        'undefinedBytes': [b for b in range(256) if first_error(lambda: dec(bytes([b]), 'strict'))],
    })
print(json.dumps(out))
`;

interface PyCharmap {
  name: string;
  replace: string; ignore: string; oddReplace: string; oddIgnore: string;
  strictAll: string | null; strictOdd: string | null; strictFffd: string | null;
  encodable: string; encodableCount: number;
  decReplace: string; decIgnore: string; decStrict: string | null; undefinedBytes: number[];
}

let bmp = '';
for (let c = 0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) bmp += String.fromCharCode(c);
const ODD = 'a\ud800b\udbffc\udc00d\udfffe\u{10000}f\u{1f600}g\u{10ffff}h';

const outcome = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

/** Index of the first differing byte, for a readable failure. */
function firstDiff(a: Buffer, b: Buffer): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `at ${i}: ours ${a[i]?.toString(16)} python ${b[i]?.toString(16)} (lengths ${a.length}/${b.length})`;
  }
  return 'equal';
}

test('every accepted single-byte code page encodes and decodes all of Unicode exactly as CPython', () => {
  const names = CHARMAPS.map((m) => m.name);
  const theirs = python(PY_TEXT, names) as PyCharmap[];
  const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  names.forEach((name, k) => {
    const py = theirs[k];
    const codec = lookupCodec(name);
    assert.is(codec.name, py.name, name);
    const enc = (s: string, e: ErrorsMode): Buffer => codec.newEncoder(e).encode(s, true);
    for (const [label, ours, want] of [
      ['replace', enc(bmp, 'replace'), py.replace],
      ['ignore', enc(bmp, 'ignore'), py.ignore],
      ['odd replace', enc(ODD, 'replace'), py.oddReplace],
      ['odd ignore', enc(ODD, 'ignore'), py.oddIgnore],
    ] as const) {
      const expected = Buffer.from(want, 'base64');
      assert.ok(ours.equals(expected), `${name} encode ${label}: ${firstDiff(ours, expected)}`);
    }
    assert.is(outcome(() => enc(bmp, 'strict')), py.strictAll, `${name} strict over the BMP`);
    assert.is(outcome(() => enc(ODD, 'strict')), py.strictOdd, `${name} strict, lone surrogates`);
    assert.is(outcome(() => enc('ok\ufffd', 'strict')), py.strictFffd, `${name} strict U+FFFD`);
    assert.ok(py.strictFffd !== null, `${name}: CPython cannot encode U+FFFD in a code page`);
    const encodable = Buffer.from(py.encodable, 'base64');
    const back = codec.newDecoder('strict').decode(encodable, true);
    assert.is(back.length, py.encodableCount, `${name}: every encodable character decodes back`);
    assert.ok(enc(back, 'strict').equals(encodable), `${name}: strict round trip`);
    const dec = (e: ErrorsMode): string => codec.newDecoder(e).decode(every, true);
    assert.is(dec('replace'), py.decReplace, `${name} decode replace`);
    assert.is(dec('ignore'), py.decIgnore, `${name} decode ignore`);
    assert.is(outcome(() => dec('strict')), py.decStrict, `${name} decode strict`);
    for (const b of py.undefinedBytes) {
      throwsCode(() => codec.newDecoder('strict').decode(Buffer.from([b]), true), TypeError, 'ERR_ENCODING_INVALID_ENCODED_DATA', `${name} byte ${b}`);
    }
  });
});

test("every Python name and alias of those code pages, and WHATWG's labels, reach the codec CPython names", () => {
  const keys = CHARMAPS.flatMap((m) => m.keys);
  const extra = ['windows-1252', 'WINDOWS-1250', 'iso-8859-9', 'ISO_8859-11', 'latin5', 'tis-620', 'TIS620', 'koi8-u',
    'mac-roman', 'macintosh', 'iso-8859-8', 'cp874', 'ibm866', 'iso8859-16'];
  const labels = [...keys, ...extra];
  const py = python(String.raw`
import codecs, json, sys
print(json.dumps([codecs.lookup(n).name for n in json.load(sys.stdin)]))`, labels) as string[];
  labels.forEach((label, i) => assert.is(lookupCodec(label).name, py[i], label));
  // WHATWG-only labels land on the CPython code page of the WHATWG encoding
  const whatwg: Record<string, string> = {
    'x-cp1250': 'cp1250', 'dos-874': 'cp874', 'iso-8859-8-i': 'iso8859-8', 'logical': 'iso8859-8', 'visual': 'iso8859-8',
    'koi': 'koi8-r', 'x-mac-roman': 'mac-roman', 'x-mac-cyrillic': 'mac-cyrillic', 'x-mac-ukrainian': 'mac-cyrillic',
  };
  for (const [label, name] of Object.entries(whatwg)) assert.is(lookupCodec(label).name, name, label);
});

test('a TextHandle: U+FFFD is unencodable in cp1250/1252/1253/1255/874 (strict throws, nothing written; replace "?"; ignore drops)', () => {
  for (const encoding of ['cp1250', 'cp1252', 'cp1253', 'cp1255', 'cp874']) {
    const mf = MemFile.from('before');
    const t = mf.open('a', { encoding });
    throwsCode(() => t.write('x\ufffd'), TypeError, 'ERR_ENCODING_UNENCODABLE', encoding);
    t.close();
    assert.is(mf.text('latin-1'), 'before', `${encoding}: nothing written`);
    for (const [errors, want] of [['replace', 'a?b'], ['ignore', 'ab']] as const) {
      const w = mf.open('w', { encoding, errors });
      w.write('a\ufffdb');
      w.close();
      assert.is(mf.text('latin-1'), want, `${encoding} ${errors}`);
      // and what was written reads back strictly
      assert.is(mf.open('r', { encoding }).read(), want, `${encoding} ${errors} read back`);
    }
    mf.close();
  }
});

test("write('') at the start of a utf-16 / utf-8-sig stream writes the BOM, as CPython (w, w+, r+ at 0, a on empty)", () => {
  const cases: Array<{ mode: string; encoding: string; initial: string }> = [];
  for (const encoding of ['utf-16', 'utf-8-sig', 'utf-16-be', 'utf-8']) {
    for (const [mode, initial] of [['w', ''], ['w+', ''], ['r+', ''], ['r+', '414243'], ['a', ''], ['a', '4142']] as const) {
      cases.push({ mode, encoding, initial });
    }
  }
  const py = python(String.raw`
import json, os, sys, tempfile
out = []
for c in json.load(sys.stdin):
    fd, path = tempfile.mkstemp(dir='/dev/shm')
    os.write(fd, bytes.fromhex(c['initial'])); os.close(fd)
    with open(path, c['mode'], encoding=c['encoding']) as f:
        f.write('')
        tell = f.tell()
        f.write('')
        tell2 = f.tell()
    out.append({'tell': tell, 'tell2': tell2, 'bytes': open(path, 'rb').read().hex()})
    os.unlink(path)
print(json.dumps(out))`, cases) as Array<{ tell: number; tell2: number; bytes: string }>;
  cases.forEach((c, i) => {
    const mf = MemFile.from(Buffer.from(c.initial, 'hex'));
    const t = mf.open(c.mode as 'w', { encoding: c.encoding });
    t.write('');
    const tell = t.tell();
    t.write('');
    const tell2 = t.tell();
    t.close();
    const label = `${c.mode} ${c.encoding} over ${c.initial || 'nothing'}`;
    assert.equal({ tell, tell2, bytes: mf.bytes().toString('hex') }, py[i], label);
    mf.close();
  });
  // the two the issue names, spelled out
  assert.equal(py.slice(0, 1), [{ tell: 2, tell2: 2, bytes: 'fffe' }]);
  assert.equal(py[6], { tell: 3, tell2: 3, bytes: 'efbbbf' });
});

test.run();
