#include "mapping.h"

#ifndef _WIN32
#include <sys/mman.h>
#include <unistd.h>
#endif

#include <cstdlib>
#include <cstring>

namespace memfile {

uint64_t PageSize() {
#ifdef _WIN32
  return 4096;
#else
  static const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return page;
#endif
}

std::shared_ptr<Mapping> Mapping::MapFile(int fd, size_t length, Kind kind) {
#ifdef _WIN32
  (void)fd, (void)length, (void)kind;
  return nullptr;
#else
  if (length == 0) return nullptr;
  int prot = PROT_READ;
  int flags = MAP_SHARED;
  if (kind == Kind::SharedWrite) prot |= PROT_WRITE;
  if (kind == Kind::PrivateCopy) {
    prot |= PROT_WRITE;
    flags = MAP_PRIVATE;
  }
  void* p = mmap(nullptr, length, prot, flags | MAP_NORESERVE, fd, 0);
  if (p == MAP_FAILED) return nullptr;
  auto* data = static_cast<uint8_t*>(p);
  Region* region = RegisterRegion(data, length, fd);
  return std::shared_ptr<Mapping>(new Mapping(data, length, kind, region));
#endif
}

std::shared_ptr<Mapping> Mapping::Heap(size_t length) {
#ifdef _WIN32
  void* p = std::calloc(length == 0 ? 1 : length, 1);
  if (p == nullptr) return nullptr;
#else
  // Anonymous pages, not malloc: zero-filled lazily (sparse), and returned to
  // the OS the moment they are unmapped instead of lingering in an arena.
  size_t bytes = length == 0 ? static_cast<size_t>(PageSize()) : length;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
#endif
  return std::shared_ptr<Mapping>(new Mapping(static_cast<uint8_t*>(p), length, Kind::Heap, nullptr));
}

void Mapping::Zero(size_t offset, size_t n) {
  if (data_ == nullptr || n == 0) return;
#ifndef _WIN32
  if (kind_ == Kind::Heap) {
    // Private anonymous pages read back as zeros after MADV_DONTNEED.
    size_t page = static_cast<size_t>(PageSize());
    size_t first = (offset + page - 1) / page * page;
    size_t last = (offset + n) / page * page;
    if (first < last && madvise(data_ + first, last - first, MADV_DONTNEED) == 0) {
      std::memset(data_ + offset, 0, first - offset);
      std::memset(data_ + last, 0, offset + n - last);
      return;
    }
  }
#endif
  std::memset(data_ + offset, 0, n);
}

void Mapping::Release(uint8_t* data, size_t length, Kind kind, Region* region) {
  if (kind == Kind::Heap) {
#ifdef _WIN32
    std::free(data);
#else
    munmap(data, length == 0 ? static_cast<size_t>(PageSize()) : length);
#endif
  } else {
    UnregisterRegion(region);
#ifndef _WIN32
    munmap(data, length);
#endif
  }
}

void Mapping::Unmap() {
  if (data_ == nullptr) return;
  if (pins_ > 0) {
    deferred_ = data_;
    deferred_length_ = length_;
    deferred_region_ = region_;
  } else {
    Release(data_, length_, kind_, region_);
  }
  region_ = nullptr;
  data_ = nullptr;
  length_ = 0;
}

void Mapping::Unpin() {
  if (--pins_ > 0 || deferred_ == nullptr) return;
  Release(deferred_, deferred_length_, kind_, deferred_region_);
  deferred_ = nullptr;
}

Mapping::~Mapping() {
  pins_ = 0;
  Unmap();
  if (deferred_ != nullptr) Release(deferred_, deferred_length_, kind_, deferred_region_);
}

}  // namespace memfile
