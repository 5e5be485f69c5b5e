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
//           transfers go through the mapping when a marker page proves no
//           truncation can have reached them (ProvenCopy, no syscall), else
//           they are one pread/pwrite; big ones take fstat and a guarded
//           copy through the mapping (sigbus.h), with pread/pwrite as the
//           fallback when a peer's truncation makes the copy fault.
#include <errno.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>
#include <random>

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
    bool unsealed = (seals_ & kSealShrink) == 0;
    if (!cold && unsealed && ProvenCopy(offset, dst, n, false)) return n;
    // One syscall: pread finds the end of the file itself, and a peer's
    // truncation cannot fault it. fstat + a mapping copy wins only for big
    // transfers of pages this process's mapping has touched already.
    size_t got = ReadAt(fd_, dst, n, offset);
    if (unsealed) {
      // Only a hint of where ProvenCopy may look: a short read saw the end.
      size_ = got < n ? offset + got : std::max(size_, offset + got);
    } else if (got > 0) {
      size_ = std::max(size_, offset + got);
    }
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
    // Through the mapping when the marker proves the file reached past it
    // throughout (no syscall; a store within one page is all or nothing too).
    if ((seals_ & kSealShrink) == 0 && ProvenCopy(offset, const_cast<uint8_t*>(src), n, true)) return;
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

// ---- shared, unsealed: small transfers without a syscall ----------------------

// A small transfer through our shared mapping, with no syscall, when nothing
// can have cut the file below the transfer meanwhile. Another process may
// truncate the file at any moment, and a truncation into the middle of a page
// zeroes the page's tail without unmapping it: a copy could return zeros past
// the new end (and the peer's next write could hide that), so the mapping
// alone proves nothing. The proof is a marker: one page of the file at
// marker_at_ (below the size last seen) mapped privately and written to, so
// that it is our own copy-on-write page. A truncation to marker_at_ or below
// unmaps every mapping of the pages it cuts, private copy-on-write pages
// included, before it zeroes or frees anything; finding the marker after the
// copy proves that from before the copy until after it the file reached past
// marker_at_, above every byte moved: each byte read was file content, each
// byte written landed inside the file. Hole punching changes no size and
// keeps the marker, as it should. Any doubt (marker gone, a fault) → false,
// and the caller asks the kernel.
bool Block::ProvenCopy(uint64_t offset, uint8_t* buf, size_t n, bool write) {
  uint64_t end = offset + n;
  if ((!marker_ok_ || end > marker_at_) && !PlaceMarker(end)) return false;
  if (!main_ || main_->tainted() || main_->length() < marker_at_) {
    if (!EnsureMapped(marker_at_) || main_->length() < end) return false;
  }
  uint8_t* base = main_->data();
  bool ok;
  if (write) {
    // Never into a private copy: the bytes would not reach the file.
    if (main_->kind() != Mapping::Kind::SharedWrite) return false;
    ok = GuardedCopy(base + offset, buf, n);
    // The stores must be visible before the marker is read (x86 lets a later load pass them).
    std::atomic_thread_fence(std::memory_order_seq_cst);
  } else {
    // Into a scratch first: a read the kernel then answers short must leave the caller's
    // bytes past bytesRead as they were.
    if (n > sizeof scratch_) return false;
    ok = GuardedCopy(scratch_, base + offset, n);
    std::atomic_thread_fence(std::memory_order_acquire);
  }
  uint64_t seen = 0;
  if (!GuardedCopy(&seen, marker_, sizeof seen) || seen != marker_value_) {
    // Cut at or below the marker since it was placed: learn the size, place it anew later.
    marker_ok_ = false;
    size_ = FileSize(fd_);
    return false;
  }
  if (ok && !write) std::memcpy(buf, scratch_, n);
  return ok;
}

// Maps and writes the marker on the page holding the last byte of the size
// last seen, if that lies at or above `end`. Moving it up costs a few
// syscalls, so it moves only for a real gain.
bool Block::PlaceMarker(uint64_t end) {
  uint64_t page = PageSize();
  if (size_ == 0 || map_disabled_) return false;
  uint64_t at = (size_ - 1) / page * page;
  if (at < end) return false;
  if (marker_ok_ && at < marker_at_ + std::max<uint64_t>(16 * page, marker_at_ / 8)) return false;
  if (marker_ == nullptr || at != marker_at_) {
    uint8_t* m = MapPrivatePage(fd_, at);
    if (m == nullptr) return false;
    UnmapPage(marker_);
    marker_ = m;
    marker_at_ = at;
  }
  // A value no other process can guess (it never sees our private page).
  static const uint64_t seed = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  static std::atomic<uint64_t> count{0};
  marker_value_ = seed ^ ((count.fetch_add(1, std::memory_order_relaxed) + 1) * 0x9E3779B97F4A7C15ull) ^
                  reinterpret_cast<uintptr_t>(this);
  bool placed = GuardedCopy(marker_, &marker_value_, sizeof marker_value_);
  // A truncation sets the size first, then unmaps, zeroes the cut page's tail,
  // and unmaps again (for copy-on-write pages made meanwhile): a marker written
  // in between would outlive the zeroing for a while. The size read after
  // writing it rules that out, and is the hint from now on (a fault: the page
  // is past the end already).
  size_ = FileSize(fd_);
  marker_ok_ = placed && size_ > at;
  return marker_ok_;
}

}  // namespace memfile
