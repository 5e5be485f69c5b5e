// Moving bytes: Block::Read and Block::Write. Each picks one of three
// strategies by what the block is (block.h explains "exposed"):
//
//  heap     process memory only (no fd): a memmove; nothing else can change it.
//  private  a memfd no other process can see: size_ is the truth and the
//           physical size runs ahead of it, so no syscall is needed. Copies go
//           through the mapping; big writes into fresh pages go through the
//           kernel's write path, which fills new pages faster.
//  shared   an fd others may hold (an exposed memfd, shm, fromFd, attach): the
//           file's own size is the truth and may change at any moment. Small
//           transfers are one pread/pwrite; big ones take fstat and a guarded
//           copy through the mapping (sigbus.h), with pread/pwrite as the
//           fallback when a peer's truncation makes the copy fault.
#include <errno.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "block.h"
#include "errors.h"
#include "sigbus.h"

namespace memfile {

// ---- reads ------------------------------------------------------------------

size_t Block::Read(uint64_t offset, uint8_t* dst, size_t n, bool cold) {
  Sync sync(this);
  CheckOpen();
  if (n == 0) return 0;
  if (backing_ == Backing::Heap) return ReadHeap(offset, dst, n);
  if (exposed_) return ReadShared(offset, dst, n, cold);
  return ReadPrivate(offset, dst, n, cold);
}

size_t Block::ReadHeap(uint64_t offset, uint8_t* dst, size_t n) {
  if (offset >= size_) return 0;
  n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
  std::memmove(dst, main_->data() + offset, n);
  return n;
}

size_t Block::ReadPrivate(uint64_t offset, uint8_t* dst, size_t n, bool cold) {
  if (offset >= size_) return 0;
  n = static_cast<size_t>(std::min<uint64_t>(n, size_ - offset));
  return ReadMapped(offset, dst, n, cold);
}

size_t Block::ReadShared(uint64_t offset, uint8_t* dst, size_t n, bool cold) {
  if (!Frozen() && (cold || n < kSmallShared)) {
    // One syscall: pread finds the end of the file itself, and a peer's
    // truncation cannot fault it. fstat + a mapping copy wins only for big
    // transfers of pages this process's mapping has touched already.
    size_t got = ReadAt(fd_, dst, n, offset);
    if ((seals_ & kSealShrink) != 0 && got > 0) size_ = std::max(size_, offset + got);
    return got;
  }
  uint64_t size = Size();
  if (offset >= size) return 0;
  n = static_cast<size_t>(std::min<uint64_t>(n, size - offset));
  return ReadMapped(offset, dst, n, cold);
}

// [offset, offset+n) lies below the size just checked. A peer may still have
// shrunk the file since (or, for a private block, truncated it through
// /proc/self/fd): the guarded copy then faults, and the kernel's pread
// reports how much is really left.
size_t Block::ReadMapped(uint64_t offset, uint8_t* dst, size_t n, bool cold) {
  if (cold) return ReadAt(fd_, dst, n, offset);
  if (EnsureMapped(offset + n) && GuardedCopy(dst, main_->data() + offset, n)) return n;
  // The file shrank under the mapping (or could not be mapped): ask the kernel.
  return ReadAt(fd_, dst, n, offset);
}

// ---- writes -----------------------------------------------------------------

void Block::Write(uint64_t offset, const uint8_t* src, size_t n) {
  Sync sync(this);
  CheckWritable();
  if (n == 0) return;
  if (backing_ == Backing::Heap) return WriteHeap(offset, src, n);
  // A source inside a file mapping (a view of this block, maybe over an
  // older mapping, or of another MemFile on the same file) may be the very
  // pages this write changes, at another address: memmove cannot see that
  // overlap and the kernel's write path reads the source as it goes. Copy it
  // first, so the write has memmove semantics on every path.
  std::unique_ptr<uint8_t[]> copy;
  if (InAnyRegion(src, n)) {
    copy.reset(new (std::nothrow) uint8_t[n]);
    if (!copy) Throw(ENOMEM, "malloc");
    // A view past a peer's shrink faults: unguarded, the handler maps zeros
    // there, which is what reading that view gives.
    if (!GuardedCopy(copy.get(), src, n)) std::memcpy(copy.get(), src, n);
    src = copy.get();
  }
  if (exposed_) {
    WriteShared(offset, src, n);
  } else {
    WritePrivate(offset, src, n);
  }
}

void Block::WriteHeap(uint64_t offset, const uint8_t* src, size_t n) {
  uint64_t end = offset + n;
  HeapGrow(end);
  std::memmove(main_->data() + offset, src, n);
  size_ = std::max(size_, end);
}

void Block::WritePrivate(uint64_t offset, const uint8_t* src, size_t n) {
  uint64_t end = offset + n;
  uint64_t old_physical = physical_;
  if (end > physical_) {
    CheckFileSizeLimit(end, "write");
    uint64_t cap = Capacity(end);
    Resize(fd_, cap);
    physical_ = cap;
  }
  // Big writes: the kernel's write path allocates and fills pages faster
  // than faulting them in through the mapping.
  bool fresh = n >= kBigFreshWrite && end > size_;
  if (!fresh && EnsureMapped(end) && GuardedCopy(main_->data() + offset, src, n)) {
    size_ = std::max(size_, end);
    return;
  }
  try {
    // Allocate first: the write then cannot fail half-way.
    if (reserve_) Reserve(fd_, offset, n, true);
    WriteAt(fd_, src, n, offset);
  } catch (...) {
    if (physical_ != old_physical) {
      Resize(fd_, old_physical);
      physical_ = old_physical;
    }
    throw;
  }
  size_ = std::max(size_, end);
}

void Block::WriteShared(uint64_t offset, const uint8_t* src, size_t n) {
  uint64_t end = offset + n;
  // Small, inside one page and below the size last seen: one pwrite. The
  // kernel checks seals and space in the same step, and a write within one
  // page is all or nothing (the page is allocated, or EPERM/ENOSPC returned,
  // before a byte is copied). Writes that grow the file, span pages or are
  // big take the path below.
  if (n < kSmallShared && offset / PageSize() == (end - 1) / PageSize() && end <= size_) {
    WriteAt(fd_, src, n, offset, append_);
    return;
  }
  uint64_t size = Size();
  if (end > size) CheckFileSizeLimit(end, "write");
  // On a filesystem that can fill up, allocate the whole range first (and
  // grow the size to its end): all or nothing, ENOSPC with nothing changed.
  // Without it a store into a hole raises SIGBUS and a pwrite stops half-way.
  if (reserve_) Reserve(fd_, offset, n, false);
  if (end <= size && EnsureMapped(end) && GuardedCopy(main_->data() + offset, src, n)) return;
  try {
    WriteAt(fd_, src, n, offset, append_);
  } catch (...) {
    // Undo the growth a partial write may have caused.
    if (FileSize(fd_) > size) Resize(fd_, size);
    throw;
  }
  size_ = std::max(size_, end);
}

}  // namespace memfile
