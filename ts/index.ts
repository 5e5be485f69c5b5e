// The declarations use Node's types (Buffer, streams): consumers get them from @types/node
// even when their tsconfig names no "types" (TypeScript >= 6 includes none by default).
/// <reference types="node" preserve="true" />
export { MemFile } from './memfile';
export type { Backing, MemFileOptions, FromOptions, FromFileOptions, SaveOptions, PreadResult, OpenFdOptions } from './memfile';
export type { CodedError } from './errors';
export type { SealName } from './seals';
export { MemFileServer } from './fdpass';
export type { Sender, OnFile } from './fdpass';
export { RawHandle } from './handles/raw';
export { BufferedReader, BufferedWriter, BufferedRandom } from './handles/buffered';
export type { BufferedIO } from './handles/buffered';
export { TextHandle } from './handles/text';
export type { Direction } from './handles/text';
export type { AnyHandle, DynamicHandle } from './open';
export type { OpenOptions, BinaryOpenOptions, TextOpenOptions, Newline, ErrorsMode, BinaryMode, TextMode } from './modes';
export type { ReadBinaryMode, WriteBinaryMode, UpdateBinaryMode, ReadTextMode, WriteTextMode, UpdateTextMode } from './modes';
// Types only: the stream module loads on the first createReadStream()/createWriteStream().
export type { MemFileReadStream, MemFileWriteStream, ReadStreamOptions, WriteStreamOptions } from './streams';
