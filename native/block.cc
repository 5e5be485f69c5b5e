#include "block.h"

#include <errno.h>

#include <algorithm>
#include <cstring>

#include "errors.h"

namespace memfile {

namespace {

constexpr uint64_t kMinCapacity = 64 * 1024;
// Beyond this a mapping is not attempted; syscalls serve the rest.
constexpr uint64_t kMaxMapping = uint64_t{1} << 40;

uint64_t RoundUp(uint64_t n, uint64_t to) { return (n + to - 1) / to * to; }
}  // namespace

Block::Block(Backing backing, int fd, std::string name, bool writable)
    : backing_(backing), fd_(fd), name_(std::move(name)), writable_(writable) {
  InstallFaultHandler();
  reserve_ = fd_ >= 0 && CanRunOutOfSpace(fd_);
}

Block::~Block() { Close(); }

std::unique_ptr<Block> Block::Create(Backing backing, const std::string& name, uint64_t size) {
  std::unique_ptr<Block> block;
  if (backing == Backing::Memfd) {
    block.reset(new Block(backing, CreateMemfd(name), name, true));
  } else if (backing == Backing::Shm) {
    block.reset(new Block(backing, CreateShm(name), name, true));
    block->unlink_on_close_ = true;
    block->exposed_ = true;  // anyone of this user can open it by name
  } else {
    block.reset(new Block(backing, -1, name, true));
    block->main_ = Mapping::Heap(0);
    if (!block->main_) Throw(ENOMEM, "malloc");
  }
  if (size > 0) block->Truncate(size);
  return block;
}

std::unique_ptr<Block> Block::Attach(const std::string& name, bool read_only) {
  std::unique_ptr<Block> block(new Block(Backing::Shm, OpenShm(name, read_only), name, !read_only));
  block->exposed_ = true;
  return block;
}

std::unique_ptr<Block> Block::FromFd(int fd) {
  FdInfo info;
  int own = AdoptFd(fd, &info);
  std::unique_ptr<Block> block(new Block(info.backing, own, info.name, info.writable));
  block->exposed_ = true;
  block->append_ = info.append;
  block->sealed_ = info.sealed;
  block->LearnSeals(info.seals);
  return block;
}

void Block::CheckOpen() const {
  if (closed_) Throw(EBADF, "memfile", "the MemFile is closed");
}

bool Block::sealed() {
  if (!sealed_ && exposed_ && !closed_ && backing_ == Backing::Memfd) LearnSeals(GetSeals(fd_));
  return sealed_;
}

void Block::LearnSeals(int seals) {
  int added = seals & ~seals_;
  if (added == 0) return;
  seals_ |= seals;
  if ((seals_ & kSealsForWrites) != 0 && !sealed_) {
    sealed_ = true;
    SetMain(nullptr);  // the shared mapping is no longer ours to write through
  }
  // 'shrink' makes the size a floor, 'grow' with it freezes it: take it now.
  if (exposed_ && fd_ >= 0 && (added & (kSealShrink | kSealGrow)) != 0 && (seals_ & kSealShrink) != 0) {
    size_ = std::max(size_, FileSize(fd_));
  }
}

void Block::CheckWritable() {
  CheckOpen();
  // The cached seal state only: a seal a peer added since makes the kernel
  // refuse the write itself (EPERM), with nothing written; the `sealed`
  // getter asks the kernel.
  if (sealed_) Throw(EPERM, "write", "the MemFile is sealed");
  if (!writable_) Throw(EBADF, "write", "the MemFile is read-only");
}

void Block::ShareState(FastState* state) {
  if (state == nullptr) Pull();
  state_ = state;
  Publish();
}

void Block::SetMain(std::shared_ptr<Mapping> m) {
  main_ = std::move(m);
  if (state_ != nullptr) state_->generation += 1;
}

void Block::Pull() {
  if (state_ != nullptr && state_->fast == 1) size_ = static_cast<uint64_t>(state_->size);
}

void Block::Publish() {
  if (state_ == nullptr) return;
  // A shared memfd under 'shrink' keeps a mapping over its known size, so
  // JavaScript can serve what lies below it.
  if (!closed_ && exposed_ && (seals_ & kSealShrink) != 0 && size_ > 0 && (!main_ || main_->length() < size_)) {
    EnsureMapped(size_);
  }
  double fast = 0;
  double physical = 0;
  if (!closed_ && main_ && main_->mapped()) {
    if (backing_ == Backing::Heap) {
      fast = 1;
      physical = static_cast<double>(main_->length());
    } else if (!exposed_) {
      fast = 1;
      physical = static_cast<double>(physical_);
    } else if ((seals_ & kSealShrink) != 0) {
      // Shared, but the bytes below size_ cannot vanish. JS writes there only
      // where nothing can fail half-way: the file is ours to write (no write
      // seal: a peer cannot add 'write' while our writable mapping exists, and
      // after its 'future-write' the kernel still lets that mapping write) and
      // the filesystem cannot fill up (a store into a hole could fault).
      fast = Frozen() ? 1 : 2;
      bool can_write = writable_ && !sealed_ && !reserve_ && main_->kind() == Mapping::Kind::SharedWrite;
      physical = can_write ? static_cast<double>(std::min<uint64_t>(size_, main_->length())) : 0;
    }
  }
  state_->size = static_cast<double>(size_);
  state_->physical = physical;
  state_->fast = fast;
}

std::shared_ptr<Mapping> Block::Window() {
  if (closed_) return nullptr;
  bool shared = exposed_ && backing_ != Backing::Heap;
  if (shared && ((seals_ & kSealShrink) == 0 || size_ == 0)) return nullptr;
  Pull();
  if (shared) {
    EnsureMapped(size_);
  } else if (backing_ != Backing::Heap && physical_ > 0) {
    EnsureMapped(physical_);
  }
  Publish();
  if (!main_ || !main_->mapped() || main_->length() == 0) return nullptr;
  return main_;
}

void Block::Expose() {
  if (exposed_ || backing_ == Backing::Heap) return;
  // Others will trust the file's size from now on: make it exact.
  if (physical_ != size_) Resize(fd_, size_);
  physical_ = size_;
  exposed_ = true;
}

int Block::Fd() {
  Sync sync(this);
  CheckOpen();
  if (backing_ == Backing::Heap) Throw(ENOTSUP, "fd", "the heap backing has no file descriptor");
  Expose();
  return fd_;
}

int Block::FillFd() {
  Sync sync(this);
  CheckWritable();
  return backing_ == Backing::Heap ? -1 : fd_;
}

void Block::Filled(uint64_t size) {
  Sync sync(this);
  CheckOpen();
  if (backing_ == Backing::Heap || exposed_) return;  // the file's size is the truth there
  physical_ = std::max(size, FileSize(fd_));
  size_ = size;
}

int Block::DupFd() {
  Sync sync(this);
  CheckOpen();
  if (backing_ == Backing::Heap) return -1;
  return DupCloexec(fd_);
}

uint64_t Block::Size() {
  Sync sync(this);
  CheckOpen();
  if (backing_ == Backing::Heap || !exposed_ || Frozen()) return size_;
  uint64_t size = FileSize(fd_);
  // Under 'shrink' sizes never go backwards; without it the kernel's word is the truth.
  size_ = (seals_ & kSealShrink) != 0 ? std::max(size_, size) : size;
  return size;
}

// Callers have checked end against RLIMIT_FSIZE: the capacity never runs
// past the limit, so everything up to it works as on a regular file.
uint64_t Block::Capacity(uint64_t end) const {
  uint64_t grown = std::max<uint64_t>(physical_ * 2, kMinCapacity);
  // A jump far past the end (a sparse write) takes exactly what it needs.
  uint64_t cap = end > grown ? RoundUp(end, PageSize()) : RoundUp(grown, PageSize());
  return std::max(end, std::min(cap, FileSizeLimit()));
}

std::shared_ptr<Mapping> Block::Track(std::shared_ptr<Mapping> m) {
  if (!m) return m;
  if (maps_.size() >= 16 && (maps_.size() & (maps_.size() - 1)) == 0) {
    maps_.erase(std::remove_if(maps_.begin(), maps_.end(), [](const std::weak_ptr<Mapping>& w) { return w.expired(); }),
                maps_.end());
  }
  maps_.push_back(m);
  return m;
}

// Makes main_ cover [0, end). Returns false when the caller must use syscalls.
bool Block::EnsureMapped(uint64_t end) {
  if (main_ && main_->tainted()) SetMain(nullptr);  // views keep their copy alive
  if (main_ && main_->length() >= end) return true;
  if (map_disabled_ || end > kMaxMapping) return false;
  uint64_t want = exposed_ ? RoundUp(std::max(end, std::min<uint64_t>(end * 2, end + (uint64_t{1} << 30))), PageSize())
                           : std::max(physical_, end);
  if (want > kMaxMapping) want = RoundUp(end, PageSize());
  Mapping::Kind kind = sealed_ ? Mapping::Kind::PrivateCopy
                       : writable_ ? Mapping::Kind::SharedWrite
                                   : Mapping::Kind::SharedRead;
  auto m = Track(Mapping::MapFile(fd_, want, kind));
  if (!m && kind == Mapping::Kind::SharedWrite && sealed()) {
    // A peer sealed it under us: sealed content reads fine through a private map.
    m = Track(Mapping::MapFile(fd_, want, Mapping::Kind::PrivateCopy));
  }
  if (!m) {
    // The address space is exhausted, or the OS refuses for another reason.
    if (exposed_) map_disabled_ = true;
    return false;
  }
  SetMain(std::move(m));
  return true;
}

std::shared_ptr<Mapping> Block::ViewMapping(uint64_t offset, uint64_t end) {
  CheckOpen();
  Sync sync(this);
  if (backing_ == Backing::Heap) return main_;
  if (sealed() || !writable_) {
    // Copy-on-write: stores land in private pages, never in the file. One
    // mapping serves every view until a view needs more (a peer grew the
    // file) or a SIGBUS tainted it; older views keep theirs.
    if (cow_ && (cow_->tainted() || !cow_->mapped() || cow_->length() < end)) cow_.reset();
    if (!cow_) {
      if (end > kMaxMapping) Throw(ENOMEM, "mmap");
      uint64_t want = RoundUp(std::max(end, std::min<uint64_t>(end * 2, end + (uint64_t{1} << 30))), PageSize());
      cow_ = Track(Mapping::MapFile(fd_, static_cast<size_t>(std::min(want, kMaxMapping)), Mapping::Kind::PrivateCopy));
      if (!cow_) Throw(ENOMEM, "mmap");
    }
    return cow_;
  }
  // A store into a hole of a full tmpfs would raise SIGBUS, and nothing could
  // report it: reserve the view's pages now and report ENOSPC here.
  if (exposed_ && reserve_ && end > offset) Reserve(fd_, offset, end - offset, true);
  if (!EnsureMapped(end)) Throw(ENOMEM, "mmap");
  return main_;
}

void Block::HeapGrow(uint64_t end) {
  if (end <= main_->length()) return;
  uint64_t cap = std::max<uint64_t>(end, std::max<uint64_t>(main_->length() * 2, kMinCapacity));
  if (cap > SIZE_MAX / 2) Throw(ENOMEM, "malloc");
  auto grown = Mapping::Heap(static_cast<size_t>(cap));
  if (!grown) {
    grown = Mapping::Heap(static_cast<size_t>(end));
    if (!grown) Throw(ENOMEM, "malloc");
  }
  std::memcpy(grown->data(), main_->data(), static_cast<size_t>(size_));
  SetMain(std::move(grown));
}

uint64_t Block::Truncate(uint64_t length) {
  Sync sync(this);
  CheckWritable();
  if (backing_ == Backing::Heap) {
    if (length > size_) {
      HeapGrow(length);  // fresh heap memory past size_ is already zero
    } else if (length < size_) {
      // Dropped pages go back to the OS (they read as zeros if regrown):
      // O(pages), not a memset of the whole dropped range.
      main_->Zero(static_cast<size_t>(length), static_cast<size_t>(size_ - length));
    }
    size_ = length;
    return length;
  }
  if (exposed_) {
    if (sealed()) Throw(EPERM, "ftruncate", "the MemFile is sealed");
    Resize(fd_, length);
    size_ = length;
    return length;
  }
  if (length > physical_) CheckFileSizeLimit(length, "ftruncate");
  if (length < size_) {
    // Shrinking drops the pages, so a later growth reads zeros again.
    Resize(fd_, length);
    physical_ = length;
  } else if (length > physical_) {
    uint64_t cap = Capacity(length);
    Resize(fd_, cap);
    physical_ = cap;
  }
  size_ = length;
  return length;
}

int Block::Seals() {
  Sync sync(this);
  CheckOpen();
  if (backing_ != Backing::Memfd) return 0;
  int seals = GetSeals(fd_);
  if (exposed_) LearnSeals(seals);  // a peer's write seal drops our writable mapping
  return seals;
}

int Block::PlanSeals(int seals) {
  CheckOpen();
  if (backing_ != Backing::Memfd) Throw(ENOTSUP, "fcntl", "only the memfd backing can be sealed");
  int present = GetSeals(fd_);
  int missing = seals & ~present;
  if (missing == 0) return 0;
  if ((present & kSealSeal) != 0) Throw(EPERM, "fcntl", "the file is sealed against new seals ('seal')");
  if (!writable_) Throw(EBADF, "fcntl", "the MemFile is read-only");
  return missing;
}

void Block::AddSeals(int seals) {
  Sync sync(this);
  int missing = PlanSeals(seals);
  if (missing == 0) return;
  if ((missing & kSealsForWrites) != 0) {
    if (main_) main_->Unmap();
    SetMain(nullptr);
    cow_.reset();
  }
  // Seals bind the file's real size: it must be exact before they apply
  // (a private block's physical size runs ahead of its logical one).
  Expose();
  memfile::AddSeals(fd_, missing);
  map_disabled_ = false;
  LearnSeals(GetSeals(fd_));
}

void Block::Close(bool release) {
  if (closed_) return;
  closed_ = true;
  if (release && main_) main_->Unmap();
  SetMain(nullptr);
  cow_.reset();
  UnmapPage(marker_);
  marker_ = nullptr;
  marker_ok_ = false;
  for (auto& w : maps_) {
    if (auto m = w.lock()) m->ForgetFd();
  }
  maps_.clear();
  Publish();
  if (unlink_on_close_) UnlinkShm(name_);
  CloseFd(fd_);
  fd_ = -1;
}

}  // namespace memfile
