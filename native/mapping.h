// One mmap of a block's file (or one heap allocation). Views and the block
// share Mappings through shared_ptr; unmap() can be forced early (seal,
// close) once every view over it has been detached.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "platform.h"
#include "sigbus.h"

namespace memfile {

class Mapping {
 public:
  enum class Kind { SharedWrite, SharedRead, PrivateCopy, Heap };

  // Maps `length` bytes of `fd` from offset 0. Returns nullptr when the OS
  // refuses (no address space, seals, read-only fd): callers fall back to
  // syscalls, so a failed map is never an error by itself.
  static std::shared_ptr<Mapping> MapFile(int fd, size_t length, Kind kind);
  // Zero-filled process-private memory (the heap backing); nullptr on ENOMEM.
  static std::shared_ptr<Mapping> Heap(size_t length);

  ~Mapping();
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  uint8_t* data() const { return data_; }
  size_t length() const { return length_; }
  Kind kind() const { return kind_; }
  bool mapped() const { return data_ != nullptr; }
  // A SIGBUS replaced some of its pages with zeros: no longer coherent.
  bool tainted() const { return RegionTainted(region_); }
  // The fd is about to be closed: the SIGBUS handler must stop fstat()ing it.
  void ForgetFd() { ForgetRegionFd(region_); }
  // Heap: makes [offset, offset+n) read as zeros, giving whole pages back to
  // the OS (O(pages) page-table work, no memset of the whole range).
  void Zero(size_t offset, size_t n);
  void Unmap();
  // A copy on another thread reads this memory (fileio.cc saving a heap
  // block): Unmap() meanwhile only hides the pages, the last Unpin() returns
  // them. Pin, Unpin and Unmap are all called on the JavaScript thread.
  void Pin() { pins_++; }
  void Unpin();

 private:
  Mapping(uint8_t* data, size_t length, Kind kind, Region* region)
      : data_(data), length_(length), kind_(kind), region_(region) {}
  static void Release(uint8_t* data, size_t length, Kind kind, Region* region);
  int pins_ = 0;
  uint8_t* deferred_ = nullptr;  // Unmap()ed while pinned
  size_t deferred_length_ = 0;
  Region* deferred_region_ = nullptr;
  uint8_t* data_;
  size_t length_;
  Kind kind_;
  Region* region_;
};

}  // namespace memfile
