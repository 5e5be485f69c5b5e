// Whole-file copies between a block and the file system, done by the kernel:
// copy_file_range, then sendfile / splice, then read()/write() through the
// block's memory, whichever the file systems involved support. No JavaScript
// here; fileio-binding.cc runs these on libuv's pool or inline.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "block.h"

namespace memfile {

// A new block of `backing` named `name`, holding everything `src` yields.
// A seekable `src` is read from offset 0 and its file position is left alone;
// a pipe, socket or terminal is read from where it is to EOF. A directory is
// EISDIR (syscall "read", as fs.readFile reports it). `src` stays open.
std::unique_ptr<Block> LoadBlock(int src, Backing backing, const std::string& name);
// The same for a path (opened read-only, close-on-exec; errors from open()
// carry syscall "open").
std::unique_ptr<Block> LoadPath(const std::string& path, Backing backing, const std::string& name);

// What a save copies from, captured on the JavaScript thread so the copy can
// run anywhere while the MemFile is closed, grown or shrunk meanwhile: its own
// dup of the fd, or (heap) a pinned mapping. Closing either is the destructor's.
class SaveSource {
 public:
  explicit SaveSource(Block& block);
  ~SaveSource();
  SaveSource(const SaveSource&) = delete;
  SaveSource& operator=(const SaveSource&) = delete;
  uint64_t size() const { return size_; }
  // Writes the content to `dst` at its file position (O_APPEND honoured);
  // returns the bytes written. Fewer than size() only if another process
  // shrank the source meanwhile.
  uint64_t WriteTo(int dst) const;
  // `fd` is the very file this source reads (same device and inode).
  bool IsFile(int fd) const;

 private:
  int fd_ = -1;
  std::shared_ptr<Mapping> mapping_;
  const uint8_t* data_ = nullptr;  // mapping_'s pages, kept even if it is Unmap()ped meanwhile
  uint64_t size_ = 0;
};

// Saves to a path: open(path, flags | O_CLOEXEC, mode) with the caller's
// fs-style flags (O_WRONLY|O_CREAT plus O_TRUNC / O_EXCL / O_APPEND), write,
// close (a failing close is reported, as it may carry a late write error).
uint64_t SavePath(const SaveSource& source, const std::string& path, int flags, unsigned mode);

}  // namespace memfile
