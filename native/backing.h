// Platform code behind one small interface: create, open and inspect the fd
// that backs a block. Linux: memfd_create and POSIX shm; other POSIX: shm;
// elsewhere only the heap backing exists (see block.h).
#pragma once
#include <cstdint>
#include <string>

namespace memfile {

enum class Backing { Memfd, Shm, Heap };

bool HaveMemfd();
bool HaveShm();

int CreateMemfd(const std::string& name);                // close-on-exec, sealable
int CreateShm(const std::string& name);                  // O_CREAT|O_EXCL, 0600, close-on-exec
int OpenShm(const std::string& name, bool read_only);    // existing object; must be a regular file
void UnlinkShm(const std::string& name);

struct FdInfo {
  Backing backing;
  std::string name;   // memfd's own name, or the shm file's name
  bool writable;      // opened O_RDWR / O_WRONLY
  bool sealed;        // F_SEAL_WRITE or F_SEAL_FUTURE_WRITE present
  int seals;          // every seal present (kSeal* bits)
  bool append;        // the new fd still has O_APPEND (could not be reopened without it)
};
// Duplicates `fd` (close-on-exec) after checking it is a memfd or a regular
// file on a memory filesystem; anything else is EINVAL. Returns the new fd.
// An O_APPEND fd is reopened through /proc/self/fd instead (a new open file
// description without O_APPEND: F_SETFL on a dup would change the caller's).
int AdoptFd(int fd, FdInfo* info);

// Seal bits, numerically Linux's F_SEAL_* so they pass through unchanged.
constexpr int kSealSeal = 0x01;
constexpr int kSealShrink = 0x02;
constexpr int kSealGrow = 0x04;
constexpr int kSealWrite = 0x08;
constexpr int kSealFutureWrite = 0x10;
constexpr int kSealAll = kSealSeal | kSealShrink | kSealGrow | kSealWrite | kSealFutureWrite;
constexpr int kSealsForWrites = kSealWrite | kSealFutureWrite;

int GetSeals(int fd);           // kSeal* bits; 0 where sealing does not exist
bool SealedForWrites(int fd);   // F_SEAL_WRITE or F_SEAL_FUTURE_WRITE present
void AddSeals(int fd, int seals);  // F_ADD_SEALS; ENOTSUP where the file cannot be sealed
uint64_t FileSize(int fd);      // fstat
void Resize(int fd, uint64_t size);       // ftruncate, EINTR-safe; EFBIG past RLIMIT_FSIZE
size_t ReadAt(int fd, uint8_t* dst, size_t n, uint64_t off);         // loops; short only at EOF
// Writes all or throws. `no_append`: the fd has O_APPEND, so pwrite would
// append (Linux); use pwritev2(RWF_NOAPPEND) instead.
void WriteAt(int fd, const uint8_t* src, size_t n, uint64_t off, bool no_append = false);

// RLIMIT_FSIZE (soft), or UINT64_MAX. Growing a file past it raises SIGXFSZ
// (fatal by default outside Node): callers check first and throw EFBIG.
uint64_t FileSizeLimit();
void CheckFileSizeLimit(uint64_t end, const char* syscall);
// True when the file lives on a filesystem with a size limit (a tmpfs mounted
// with size=, /dev/shm): writes into holes there can fail with ENOSPC, and a
// store through a mapping would raise SIGBUS instead. memfds (the kernel's
// internal, unlimited mount) never need a reservation.
bool CanRunOutOfSpace(int fd);
// Allocates [off, off+n) (fallocate): all or nothing, so a write that follows
// cannot fail half-way. `keep_size`: never change the file size (views);
// otherwise the size grows to off+n if smaller. Throws ENOSPC, EFBIG, ...;
// returns false where fallocate does not exist (the caller just writes).
bool Reserve(int fd, uint64_t off, uint64_t n, bool keep_size);
int DupCloexec(int fd);         // F_DUPFD_CLOEXEC; throws
void CloseFd(int fd);

}  // namespace memfile
