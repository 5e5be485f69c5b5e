// Fault-tolerant access to file mappings.
//
// A MemFile's fd is shared with other processes, and any of them may shrink the
// file at any moment. Touching a mapped page past the new end raises SIGBUS,
// which would kill Node. Two defences live here:
//  * GuardedCopy(): memcpy that turns a SIGBUS into a `false` return, so the
//    caller can fall back to pread/pwrite and report a short read.
//  * Registered regions: a SIGBUS in a registered mapping outside a guarded
//    copy (JavaScript reading a view()) replaces the rest of that region with
//    private zero pages and marks the region tainted. The faulting access is
//    retried and reads zeros; owners see the taint and stop using the mapping.
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
struct Region;
Region* RegisterRegion(uint8_t* start, size_t length);
void UnregisterRegion(Region* region);
bool RegionTainted(const Region* region);

}  // namespace memfile
