// Self-overlapping copies (issue 10, defect 3): a write whose source is a
// view of the same file must behave as memmove, on every backing and path —
// the JavaScript window, a copy through the mapping, the kernel's write path
// for big fresh writes (which reads the source while overwriting it), a view
// that sits on an older mapping of the same pages, and another MemFile on
// the same file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MemFile } from '../ts/index';

const test = suite('reliability: self-overlapping copies');

type Kind = 'memfd (private)' | 'memfd (shared)' | 'shm' | 'heap';
const KINDS: Kind[] = ['memfd (private)', 'memfd (shared)', 'shm', 'heap'];
// 16: JavaScript window / small copies; 4096: a page, the big-write threshold;
// 1 MiB: several pages per letter, the kernel write path for fresh pages.
const SIZES = [16, 4096, 1 << 20];

function make(kind: Kind): MemFile {
  const backing = kind === 'heap' ? 'heap' : kind === 'shm' ? 'shm' : 'memfd';
  const file = new MemFile(undefined, { backing });
  if (kind === 'memfd (shared)') void file.fd;
  return file;
}

function fill(file: MemFile, unit: number, letters: string): void {
  for (let i = 0; i < letters.length; i++) file.pwrite(i * unit, Buffer.alloc(unit, letters[i]));
}

/** 'aabcd' when every unit of the content is one letter; '?' marks a mixed unit. */
function letters(file: MemFile, unit: number): string {
  const b = file.bytes();
  let out = '';
  for (let i = 0; i < b.length; i += unit) {
    const chunk = b.subarray(i, i + unit);
    out += chunk.every((x) => x === chunk[0]) && chunk.length === unit ? String.fromCharCode(chunk[0]) : '?';
  }
  return out;
}

for (const kind of KINDS) {
  for (const unit of SIZES) {
    test(`${kind}, ${unit}-byte pages: pwrite(P, view(0, 4P)) gives a a b c d; pwrite(0, view(P, 3P)) gives b c d d`, () => {
      const file = make(kind);
      try {
        fill(file, unit, 'abcd');
        file.pwrite(unit, file.view(0, 4 * unit));
        assert.is(letters(file, unit), 'aabcd');
        file.truncate(0);
        fill(file, unit, 'abcd');
        file.pwrite(0, file.view(unit, 3 * unit));
        assert.is(letters(file, unit), 'bcdd');
        // Through a handle too (RawHandle.write at a seeked position).
        file.truncate(0);
        fill(file, unit, 'abcd');
        const raw = file.open('rb+', { buffering: 0 });
        raw.seek(2 * unit);
        raw.write(file.view(0, 4 * unit));
        raw.close();
        assert.is(letters(file, unit), 'ababcd');
      } finally {
        file.close();
      }
    });
  }
}

for (const kind of ['memfd (private)', 'memfd (shared)', 'shm'] as Kind[]) {
  for (const unit of [16, 1000, 100_000]) {
    test(`${kind}, ${unit}-byte pages: a view on an older mapping (the file grew and shrank since) as the source`, () => {
      const file = make(kind);
      try {
        fill(file, unit, 'abcd');
        const old = file.view(0, 4 * unit);
        // Growing far past the mapping makes the block map afresh; the view keeps the old one.
        file.truncate(64 << 20);
        file.pwrite((32 << 20) + 1, 'z');
        file.truncate(4 * unit);
        file.pwrite(unit, old.subarray(0, 3 * unit));
        assert.is(letters(file, unit), 'aabc');
        file.pwrite(0, old.subarray(unit, 4 * unit));
        assert.is(letters(file, unit), 'abcc');
      } finally {
        file.close();
      }
    });
  }
}

test('another MemFile on the same file (fromFd): pwrite(P, other.view(0, 4P)) gives a a b c d', () => {
  for (const unit of [16, 4096, 1 << 20]) {
    const file = make('memfd (shared)');
    const twin = MemFile.fromFd(file.fd);
    try {
      fill(file, unit, 'abcd');
      twin.pwrite(unit, file.view(0, 4 * unit));
      assert.is(letters(file, unit), 'aabcd', `unit ${unit}`);
      file.pwrite(0, twin.view(unit, 3 * unit));
      assert.is(letters(file, unit), 'abccd', `unit ${unit}`);
    } finally {
      twin.close();
      file.close();
    }
  }
});

test.run();
