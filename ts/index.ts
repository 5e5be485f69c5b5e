export { MemFile } from './memfile';
export type { Backing, MemFileOptions, FromOptions, PreadResult } from './memfile';
export type { CodedError } from './errors';
