// Fault-tolerant access to file mappings.
//
// A MemFile's fd is shared with other processes, and any of them may shrink the
// file at any moment. Touching a mapped page past the new end raises SIGBUS,
// which would kill Node. Two defences live here:
//  * GuardedCopy(): memcpy that turns a SIGBUS into a `false` return, so the
//    caller can fall back to pread/pwrite and report a short read.
//  * Registered regions: a SIGBUS in a registered mapping outside a guarded
//    copy (JavaScript reading a view()) replaces pages with private zero pages
//    and marks the region tainted. Only pages past the file's real end (fstat
//    at fault time) are replaced wholesale, up to the region's end; a fault
//    below the end (a hole on a full tmpfs, a poisoned page) replaces just the
//    faulting page. The access is retried and reads zeros; owners see the
//    taint and stop using the mapping.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace memfile {

// Installs the SIGBUS handler once per process. Safe to call repeatedly.
void InstallFaultHandler();

// Copies n bytes; returns false (with a prefix possibly copied) if the source
// or destination mapping faulted.
bool GuardedCopy(void* dst, const void* src, size_t n);

// A region of address space whose faults are survivable. Slots are never
// freed, only reused, so the signal handler can walk them without locks.
// `fd` is the mapped file (mapped from offset 0), or -1; the handler fstat()s
// it, so it must be forgotten before the fd is closed.
struct Region;
Region* RegisterRegion(uint8_t* start, size_t length, int fd);
void UnregisterRegion(Region* region);
void ForgetRegionFd(Region* region);
bool RegionTainted(const Region* region);
// True when [p, p+n) touches any registered file mapping: such a source may
// alias the pages a write is about to change (at another address, so memmove
// cannot see the overlap).
bool InAnyRegion(const void* p, size_t n);

}  // namespace memfile
