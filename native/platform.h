// Everything that differs between operating systems, behind one interface
// (the fs-native-extensions layout). The rest of native/ calls only these and
// plain POSIX-free C++; each implementation file is compiled everywhere (one
// source list for binding.gyp and CMakeLists.txt) and is empty outside its
// platform:
//
//   platform-posix.cc  Linux, macOS, the BSDs: POSIX shm, fstat/ftruncate,
//                      pread/pwrite, mmap, RLIMIT_FSIZE, adopting an fd.
//   platform-linux.cc  Linux only: memfd_create and seals, fallocate,
//                      pwritev2(RWF_NOAPPEND), /proc/self/fd, tmpfs checks,
//                      copy_file_range/sendfile/splice, accept4, SO_PEERCRED.
//   platform-apple.cc  macOS and the other non-Linux POSIX systems: the same
//                      entry points without those Linux features.
//   platform-win32.cc  Windows: only the heap backing; every fd, socket and
//                      signal entry point of native/ reports ENOTSUP.
//
// Errors are thrown as SysError (errors.h) unless a function says otherwise.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace memfile {

enum class Backing { Memfd, Shm, Heap };

// ---- the fd behind a block (memfd / POSIX shm) ------------------------------

bool HaveMemfd();

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

// A new open file description of the file `fd` refers to (own offset),
// opened with `flags` (O_ACCMODE bits and O_* flags; close-on-exec added),
// through /proc/self/fd. Returns -1 with errno set where that is impossible
// (no /proc, no permission, not Linux); never throws.
int ReopenFd(int fd, int flags);

// ---- memory -----------------------------------------------------------------

uint64_t PageSize();
// mmap of `length` bytes of `fd` from offset 0: shared read-only, shared
// read-write, or private copy-on-write. nullptr when the OS refuses.
enum class MapMode { SharedRead, SharedWrite, Private };
uint8_t* MapFileMemory(int fd, size_t length, MapMode mode);
void UnmapFileMemory(uint8_t* data, size_t length);
// One page of `fd` at `offset` (a multiple of the page size), mapped private
// and writable: once written, a copy-on-write page of this process's own.
// nullptr when the OS refuses. Not a guarded region: touch it through
// GuardedCopy only. UnmapPage(nullptr) does nothing.
uint8_t* MapPrivatePage(int fd, uint64_t offset);
void UnmapPage(uint8_t* page);
// Zero-filled, lazily allocated process memory (anonymous pages, not malloc:
// returned to the OS the moment they are freed); nullptr on ENOMEM. Length 0
// is allowed.
uint8_t* AllocZeroed(size_t length);
void FreeZeroed(uint8_t* data, size_t length);
// Makes the whole pages in [data, data+length) of AllocZeroed memory read as
// zeros by giving them back to the OS; false where that is not possible.
bool DropPages(uint8_t* data, size_t length);

// ---- kernel copies (fileio.cc) ----------------------------------------------
// One call each, as the syscalls: bytes copied, 0 at EOF, or -1 with errno
// (ENOSYS where the platform has no such call: the caller tries the next way).
int64_t CopyFileRange(int in, int64_t* off_in, int out, int64_t* off_out, size_t len);  // off_out may be null
int64_t SendFile(int out, int in, int64_t* off_in, size_t len);  // writes at out's file position
int64_t SpliceToFile(int pipe_in, int out, int64_t* off_out, size_t len);

// ---- Unix domain sockets (fdpass.cc) ------------------------------------------

// accept() returning a nonblocking, close-on-exec socket; -1 with errno.
int AcceptNonblocking(int listen_fd);
// The connected peer's credentials; -1 in each field the platform does not tell.
struct PeerCredentials {
  int64_t pid = -1;
  int64_t uid = -1;
  int64_t gid = -1;
};
PeerCredentials SocketPeer(int sock);

// ---- between platform-posix.cc and platform-linux.cc / platform-apple.cc ------
// (nothing else in native/ calls these)
namespace platform_detail {
// Fills info->backing and info->name (and throws EINVAL for a file that is not
// on a memory filesystem) where the platform can tell; else leaves Shm / "".
void DescribeFd(int fd, FdInfo* info);
// One pwrite at `off` through an O_APPEND fd, ignoring the append flag.
int64_t PwriteNoAppend(int fd, const uint8_t* src, size_t n, uint64_t off);
}  // namespace platform_detail

}  // namespace memfile
