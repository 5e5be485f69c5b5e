// The block: one file's bytes, reached through a mapping when that is safe and
// fast, through pread/pwrite when it is not. Knows nothing about JavaScript.
//
// "Exposed" is the key state. A fresh memfd that no one else can see is ours
// alone: its logical size lives here, its physical size runs ahead in doubling
// steps (sparse, so free) and no syscall is needed per operation. The moment
// the fd can reach anyone else (fd/path read, fromFd, attach, shm by name) the
// physical size is made exact and the file's own size (fstat) becomes the
// truth, since another process may change it at any time.
//
// block.cc: lifecycle, exposure, size, truncation, seals and mappings.
// block-io.cc: Read and Write, each in three strategies (heap, private, shared).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "platform.h"
#include "mapping.h"

namespace memfile {

// A write of at least this many bytes into fresh pages (past the current size)
// goes through the kernel's write path, which allocates and fills pages about
// twice as fast as faulting them in one by one through the mapping; existing
// pages are faster through the mapping. Exported to JavaScript as
// binding.constants.bigFreshWrite (ts/block-ref.ts decides the same way).
constexpr size_t kBigFreshWrite = 4096;

// On a shared file, transfers below this take one pread/pwrite syscall; above
// it, fstat and a copy through the mapping (the copy is far cheaper than the
// kernel's per byte, the syscall the same).
constexpr size_t kSmallShared = 16 * 1024;

// Mirrored into JavaScript (a Float64Array over this struct) so the common
// cases are served without a native call: JS copies through a window onto
// main_ while `fast` is nonzero. Doubles are exact up to 2^53, the API's limit.
//  fast 1: `size` is exact — a block no other process can see (JS publishes
//          the size it grew to), or a shared memfd whose size is frozen
//          ('shrink' + 'grow'). Reads stop at `size`.
//  fast 2: `size` is a floor — a shared memfd sealed with 'shrink': bytes
//          below it cannot vanish; a read past it asks native code, which
//          asks the kernel once and raises the floor (a peer may append).
// JS writes through the window only below `physical` (0: never).
struct FastState {
  double size = 0;        // logical size (fast 1) or known floor (fast 2)
  double physical = 0;    // JS may write through the window below this
  double generation = 0;  // bumps whenever main_ changes: JS must refetch its window
  double fast = 0;        // 0: every operation is a native call; 1 or 2 as above
};

class Block {
 public:
  static std::unique_ptr<Block> Create(Backing backing, const std::string& name, uint64_t size);
  static std::unique_ptr<Block> Attach(const std::string& name, bool read_only);
  static std::unique_ptr<Block> FromFd(int fd);
  ~Block();

  Backing backing() const { return backing_; }
  const std::string& name() const { return name_; }
  bool writable() { return writable_ && !sealed() && !closed_; }
  // Another process may seal a shared memfd at any time; ask the kernel then.
  bool sealed();
  bool closed() const { return closed_; }

  uint64_t Size();
  // Short only at EOF. `cold`: the caller expects these pages untouched by
  // this process's mapping; a kernel copy (pread) is then cheaper than the
  // first touch of each page through the mapping.
  size_t Read(uint64_t offset, uint8_t* dst, size_t n, bool cold = false);
  void Write(uint64_t offset, const uint8_t* src, size_t n);
  uint64_t Truncate(uint64_t length);
  // The seals on the file now (kSeal* bits; 0 on shm and heap).
  int Seals();
  // Checks that `seals` can be added and returns the bits not present yet:
  // EBADF closed or read-only, ENOTSUP not a memfd, EPERM 'seal' present and
  // something is missing. Changes nothing.
  int PlanSeals(int seals);
  // Adds `seals` (kSeal* bits). Write seals drop the block's own mapping
  // first (F_SEAL_WRITE is EBUSY while a writable shared mapping exists):
  // the caller detaches views first.
  void AddSeals(int seals);
  int Fd();                // exposes the block
  // For whole-file copies (fileio.cc) on a block no one else has seen yet:
  // FillFd() is the fd a kernel copy may write to directly without exposing
  // it (-1 for heap: fill it through memory), Filled(n) takes the file's
  // [0, n) as the content afterwards. DupFd() is a private duplicate for a
  // copy running on another thread (-1 for heap); the block stays unexposed.
  int FillFd();
  void Filled(uint64_t size);
  int DupFd();
  // With `release`, the memory goes back now (every view must be detached
  // first); without, views still alive keep their pages (garbage collection).
  void Close(bool release = false);

  // The mapping a view over [offset, end) uses (never null; throws ENOMEM
  // when the OS refuses a mapping). Sealed and read-only blocks get one
  // copy-on-write mapping shared by their views; a writable shared file on a
  // filesystem that can fill up has the range reserved first (ENOSPC here,
  // not a SIGBUS on a later store through the view).
  std::shared_ptr<Mapping> ViewMapping(uint64_t offset, uint64_t end);
  // Heap blocks move on growth; views over an older mapping are stale then.
  const Mapping* current() const { return main_.get(); }

  // Shares state with JavaScript; `state` must outlive the block's use of it.
  void ShareState(FastState* state);
  // The whole current mapping, for the JS window; nullptr when JS must not use one.
  std::shared_ptr<Mapping> Window();

 private:
  class Sync;
  Block(Backing backing, int fd, std::string name, bool writable);
  void Expose();
  void CheckOpen() const;
  void CheckWritable();
  bool EnsureMapped(uint64_t end);
  uint64_t Capacity(uint64_t end) const;
  std::shared_ptr<Mapping> Track(std::shared_ptr<Mapping> m);
  void HeapGrow(uint64_t end);
  void LearnSeals(int seals);  // record seals seen on the file; refresh the size they pin
  bool Frozen() const { return (seals_ & (kSealShrink | kSealGrow)) == (kSealShrink | kSealGrow); }
  void Pull();     // take the size JS may have grown the block to
  void Publish();  // tell JS the current size, mapping and mode
  void SetMain(std::shared_ptr<Mapping> m);
  // The strategies of Read and Write (block-io.cc).
  size_t ReadHeap(uint64_t offset, uint8_t* dst, size_t n);
  size_t ReadPrivate(uint64_t offset, uint8_t* dst, size_t n, bool cold);
  size_t ReadShared(uint64_t offset, uint8_t* dst, size_t n, bool cold);
  size_t ReadMapped(uint64_t offset, uint8_t* dst, size_t n, bool cold);
  void WriteHeap(uint64_t offset, const uint8_t* src, size_t n);
  void WritePrivate(uint64_t offset, const uint8_t* src, size_t n);
  void WriteShared(uint64_t offset, const uint8_t* src, size_t n);
  bool ProvenCopy(uint64_t offset, uint8_t* buf, size_t n, bool write);
  bool PlaceMarker(uint64_t end);

  Backing backing_;
  int fd_;
  std::string name_;
  bool writable_;
  bool sealed_ = false;     // kSealsForWrites seen on the file
  int seals_ = 0;           // seals seen on the file (they are never removed: a lower bound)
  bool closed_ = false;
  bool exposed_ = false;
  bool unlink_on_close_ = false;
  bool map_disabled_ = false;
  bool append_ = false;    // fd kept O_APPEND (fromFd): positional writes use RWF_NOAPPEND
  bool reserve_ = false;   // the filesystem can fill up: reserve before writing (CanRunOutOfSpace)
  uint64_t size_ = 0;       // logical size; the truth while unexposed
  uint64_t physical_ = 0;   // file size while unexposed (>= size_)
  std::shared_ptr<Mapping> main_;
  std::shared_ptr<Mapping> cow_;  // views of a sealed or read-only block
  // Every file mapping made for this block, so their fd is forgotten by the
  // SIGBUS handler before close (views may keep mappings alive longer).
  std::vector<std::weak_ptr<Mapping>> maps_;
  FastState* state_ = nullptr;
  // ProvenCopy's proof that no truncation reached down to marker_at_: one page
  // of the file mapped private at marker_at_, holding marker_value_ for as
  // long as the kernel leaves our copy-on-write page alone (block-io.cc).
  uint8_t* marker_ = nullptr;
  uint64_t marker_at_ = 0;
  uint64_t marker_value_ = 0;
  bool marker_ok_ = false;
  uint8_t scratch_[4096];  // ProvenCopy's reads land here first
};

// Brackets every public operation: JavaScript may have grown the block since
// the last native call, and must learn what this call changed.
class Block::Sync {
 public:
  explicit Sync(Block* block) : block_(block) { block_->Pull(); }
  ~Sync() { block_->Publish(); }
  Sync(const Sync&) = delete;
  Sync& operator=(const Sync&) = delete;

 private:
  Block* block_;
};

}  // namespace memfile
