#include "backing.h"

#include <errno.h>

#include "errors.h"

#ifdef _WIN32

// No fd-backed shared memory on Windows yet: only the heap backing exists,
// and every fd operation reports ENOTSUP.
namespace memfile {
bool HaveMemfd() { return false; }
bool HaveShm() { return false; }
int CreateMemfd(const std::string&) { Throw(ENOTSUP, "memfd_create", "memfd needs Linux"); }
int CreateShm(const std::string&) { Throw(ENOTSUP, "shm_open", "POSIX shm is not available on Windows"); }
int OpenShm(const std::string&, bool) { Throw(ENOTSUP, "shm_open", "POSIX shm is not available on Windows"); }
void UnlinkShm(const std::string&) {}
int AdoptFd(int, FdInfo*) { Throw(ENOTSUP, "fromFd", "file descriptors are not supported on Windows"); }
int GetSeals(int) { return 0; }
bool SealedForWrites(int) { return false; }
void AddSeals(int, int) { Throw(ENOTSUP, "fcntl", "sealing needs Linux memfd"); }
uint64_t FileSize(int) { Throw(ENOTSUP, "fstat"); }
void Resize(int, uint64_t) { Throw(ENOTSUP, "ftruncate"); }
size_t ReadAt(int, uint8_t*, size_t, uint64_t) { Throw(ENOTSUP, "read"); }
void WriteAt(int, const uint8_t*, size_t, uint64_t, bool) { Throw(ENOTSUP, "write"); }
uint64_t FileSizeLimit() { return UINT64_MAX; }
void CheckFileSizeLimit(uint64_t, const char*) {}
bool CanRunOutOfSpace(int) { return false; }
bool Reserve(int, uint64_t, uint64_t, bool) { return false; }
int DupCloexec(int) { Throw(ENOTSUP, "fcntl"); }
void CloseFd(int) {}
}  // namespace memfile

#else

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstring>

#ifdef __linux__
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef RWF_NOAPPEND
#define RWF_NOAPPEND 0x00000020
#endif
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 0x01
#endif
#endif

namespace memfile {

bool HaveMemfd() {
#ifdef __linux__
  return true;
#else
  return false;
#endif
}

bool HaveShm() { return true; }

int CreateMemfd(const std::string& name) {
#ifdef __linux__
  unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  // MFD_NOEXEC_SEAL is new in 6.3; older kernels reject the unknown flag.
  int fd = static_cast<int>(syscall(SYS_memfd_create, name.c_str(), flags | MFD_NOEXEC_SEAL));
  if (fd < 0 && errno == EINVAL) fd = static_cast<int>(syscall(SYS_memfd_create, name.c_str(), flags));
  if (fd < 0) Throw(errno, "memfd_create");
  return fd;
#else
  (void)name;
  Throw(ENOTSUP, "memfd_create");
#endif
}

static std::string ShmPath(const std::string& name) { return "/" + name; }

int CreateShm(const std::string& name) {
  int fd = shm_open(ShmPath(name).c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) Throw(errno, "shm_open");
  // The umask may have narrowed the mode; make sure it is exactly 0600.
  fchmod(fd, 0600);
  return fd;
}

int OpenShm(const std::string& name, bool read_only) {
  // O_NONBLOCK: a FIFO planted under that name must not hang the open.
  int fd = shm_open(ShmPath(name).c_str(), (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0) Throw(errno == ENXIO ? EINVAL : errno, "shm_open");
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    Throw(EINVAL, "shm_open", "not a regular shared memory object");
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

void UnlinkShm(const std::string& name) { shm_unlink(ShmPath(name).c_str()); }

int AdoptFd(int fd, FdInfo* info) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) Throw(errno, "fcntl");
  struct stat st;
  if (fstat(fd, &st) != 0) Throw(errno, "fstat");
  if (!S_ISREG(st.st_mode)) Throw(EINVAL, "fstat", "not a memfd or a shared memory file");
  info->backing = Backing::Shm;
  info->name.clear();
#ifdef __linux__
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) Throw(errno, "fstatfs");
  if (fs.f_type != TMPFS_MAGIC && fs.f_type != HUGETLBFS_MAGIC) {
    Throw(EINVAL, "fstatfs", "not on a memory filesystem (tmpfs)");
  }
  char link[4096];
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = readlink(proc.c_str(), link, sizeof(link) - 1);
  if (n > 0) {
    std::string target(link, static_cast<size_t>(n));
    const std::string memfd_prefix = "/memfd:";
    const std::string deleted = " (deleted)";
    if (target.compare(0, memfd_prefix.size(), memfd_prefix) == 0) {
      info->backing = Backing::Memfd;
      target = target.substr(memfd_prefix.size());
      if (target.size() >= deleted.size() &&
          target.compare(target.size() - deleted.size(), deleted.size(), deleted) == 0) {
        target.resize(target.size() - deleted.size());
      }
      info->name = target;
    } else {
      size_t slash = target.rfind('/');
      info->name = slash == std::string::npos ? target : target.substr(slash + 1);
    }
  }
#endif
  int acc = flags & O_ACCMODE;
  info->writable = acc == O_RDWR || acc == O_WRONLY;
  int seals = GetSeals(fd);
  info->seals = seals;
#ifdef __linux__
  info->sealed = (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) != 0;
#else
  info->sealed = seals != 0;
#endif
  info->append = false;
  if ((flags & O_APPEND) != 0) {
#ifdef __linux__
    // pwrite on an O_APPEND fd appends (Linux ignores the offset). Clearing
    // the flag on a dup would clear it for the caller too (one open file
    // description), so open the same file afresh, without O_APPEND.
    std::string proc = "/proc/self/fd/" + std::to_string(fd);
    int own = open(proc.c_str(), acc | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (own >= 0) {
      struct stat again;
      if (fstat(own, &again) == 0 && again.st_dev == st.st_dev && again.st_ino == st.st_ino) {
        fcntl(own, F_SETFL, fcntl(own, F_GETFL) & ~O_NONBLOCK);
        return own;
      }
      close(own);
    }
#endif
    info->append = true;  // no /proc or no permission: writes use RWF_NOAPPEND
  }
  int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) Throw(errno, "fcntl");
  return dup;
}

int GetSeals(int fd) {
#ifdef __linux__
  int seals = fcntl(fd, F_GET_SEALS);
  return seals < 0 ? 0 : seals;
#else
  (void)fd;
  return 0;
#endif
}

bool SealedForWrites(int fd) {
#ifdef __linux__
  return (GetSeals(fd) & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) != 0;
#else
  (void)fd;
  return false;
#endif
}

void AddSeals(int fd, int seals) {
#ifdef __linux__
  if (fcntl(fd, F_ADD_SEALS, seals) != 0) {
    int err = errno;
    // EINVAL: not a sealable file, or a seal this kernel does not know
    // (F_SEAL_FUTURE_WRITE is 5.1+): either way, not supported here.
    if (err == EINVAL) Throw(ENOTSUP, "fcntl", "this file or kernel cannot add these seals");
    Throw(err, "fcntl");
  }
#else
  (void)fd, (void)seals;
  Throw(ENOTSUP, "fcntl", "sealing needs Linux memfd");
#endif
}

uint64_t FileSize(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) Throw(errno, "fstat");
  return static_cast<uint64_t>(st.st_size);
}

uint64_t FileSizeLimit() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_FSIZE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return static_cast<uint64_t>(rl.rlim_cur);
}

void CheckFileSizeLimit(uint64_t end, const char* syscall) {
  if (end > static_cast<uint64_t>(INT64_MAX) || end > FileSizeLimit()) {
    Throw(EFBIG, syscall, "file too large (RLIMIT_FSIZE)");
  }
}

bool CanRunOutOfSpace(int fd) {
#ifdef __linux__
  struct statfs fs;
  // An unlimited tmpfs (the kernel's internal memfd mount) reports 0 blocks.
  return fstatfs(fd, &fs) != 0 || fs.f_blocks != 0;
#else
  (void)fd;
  return true;
#endif
}

bool Reserve(int fd, uint64_t off, uint64_t n, bool keep_size) {
  if (n == 0) return true;
#ifdef __linux__
  int rc;
  do {
    rc = fallocate(fd, keep_size ? FALLOC_FL_KEEP_SIZE : 0, static_cast<off_t>(off), static_cast<off_t>(n));
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return true;
  if (errno == EOPNOTSUPP || errno == ENOSYS) return false;
  Throw(errno, "fallocate");
#else
  (void)fd, (void)off, (void)keep_size;
  return false;
#endif
}

void Resize(int fd, uint64_t size) {
  if (size > static_cast<uint64_t>(INT64_MAX)) Throw(EFBIG, "ftruncate");
  // Only growth is limited; checked here so the kernel never sends SIGXFSZ.
  if (size > FileSizeLimit() && size > FileSize(fd)) Throw(EFBIG, "ftruncate", "file too large (RLIMIT_FSIZE)");
  int rc;
  do {
    rc = ftruncate(fd, static_cast<off_t>(size));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) Throw(errno, "ftruncate");
}

size_t ReadAt(int fd, uint8_t* dst, size_t n, uint64_t off) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = pread(fd, dst + done, n - done, static_cast<off_t>(off + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      Throw(errno, "read");
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

void WriteAt(int fd, const uint8_t* src, size_t n, uint64_t off, bool no_append) {
  size_t done = 0;
  while (done < n) {
    ssize_t r;
#ifdef __linux__
    if (no_append) {
      struct iovec iov = {const_cast<uint8_t*>(src + done), n - done};
      r = pwritev2(fd, &iov, 1, static_cast<off_t>(off + done), RWF_NOAPPEND);
      if (r < 0 && (errno == EINVAL || errno == EOPNOTSUPP)) {
        Throw(ENOTSUP, "pwritev2", "this kernel cannot write at an offset through an O_APPEND fd");
      }
    } else {
      r = pwrite(fd, src + done, n - done, static_cast<off_t>(off + done));
    }
#else
    (void)no_append;
    r = pwrite(fd, src + done, n - done, static_cast<off_t>(off + done));
#endif
    if (r < 0) {
      if (errno == EINTR) continue;
      Throw(errno, "write");
    }
    done += static_cast<size_t>(r);
  }
}

int DupCloexec(int fd) {
  int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) Throw(errno, "fcntl");
  return dup;
}

void CloseFd(int fd) {
  if (fd >= 0) close(fd);
}

}  // namespace memfile

#endif  // _WIN32
