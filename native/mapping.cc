#include "mapping.h"

#include <cstring>

namespace memfile {

std::shared_ptr<Mapping> Mapping::MapFile(int fd, size_t length, Kind kind) {
  if (length == 0) return nullptr;
  MapMode mode = kind == Kind::SharedWrite ? MapMode::SharedWrite
                 : kind == Kind::PrivateCopy ? MapMode::Private
                                             : MapMode::SharedRead;
  uint8_t* data = MapFileMemory(fd, length, mode);
  if (data == nullptr) return nullptr;
  Region* region = RegisterRegion(data, length, fd);
  return std::shared_ptr<Mapping>(new Mapping(data, length, kind, region));
}

std::shared_ptr<Mapping> Mapping::Heap(size_t length) {
  uint8_t* data = AllocZeroed(length);
  if (data == nullptr) return nullptr;
  return std::shared_ptr<Mapping>(new Mapping(data, length, Kind::Heap, nullptr));
}

void Mapping::Zero(size_t offset, size_t n) {
  if (data_ == nullptr || n == 0) return;
  if (kind_ == Kind::Heap) {
    // Whole pages go back to the OS (they read as zeros again); only the
    // partial pages at either end are cleared by hand.
    size_t page = static_cast<size_t>(PageSize());
    size_t first = (offset + page - 1) / page * page;
    size_t last = (offset + n) / page * page;
    if (first < last && DropPages(data_ + first, last - first)) {
      std::memset(data_ + offset, 0, first - offset);
      std::memset(data_ + last, 0, offset + n - last);
      return;
    }
  }
  std::memset(data_ + offset, 0, n);
}

void Mapping::Release(uint8_t* data, size_t length, Kind kind, Region* region) {
  if (kind == Kind::Heap) {
    FreeZeroed(data, length);
  } else {
    UnregisterRegion(region);
    UnmapFileMemory(data, length);
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
