export { MemFile } from './memfile';
export type { Backing, MemFileOptions, FromOptions, PreadResult } from './memfile';
export type { CodedError } from './errors';
export type { SealName } from './seals';
export { RawHandle } from './handles/raw';
export { BufferedReader, BufferedWriter, BufferedRandom } from './handles/buffered';
export type { BufferedIO } from './handles/buffered';
export { TextHandle } from './handles/text';
export type { OpenOptions, BinaryOpenOptions, TextOpenOptions, Newline, ErrorsMode, BinaryMode, TextMode } from './modes';
