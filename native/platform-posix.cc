// platform.h on every POSIX system (Linux, macOS, the BSDs): POSIX shm, file
// sizes, pread/pwrite, mmap, RLIMIT_FSIZE, adopting an fd. What only Linux
// has lives in platform-linux.cc, its stand-ins in platform-apple.cc.
#if !defined(_WIN32)

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "errors.h"
#include "platform.h"

namespace memfile {

// ---- the fd behind a block ----------------------------------------------------

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
  platform_detail::DescribeFd(fd, info);
  int acc = flags & O_ACCMODE;
  info->writable = acc == O_RDWR || acc == O_WRONLY;
  int seals = GetSeals(fd);
  info->seals = seals;
  info->sealed = (seals & kSealsForWrites) != 0;
  info->append = false;
  if ((flags & O_APPEND) != 0) {
    // pwrite on an O_APPEND fd appends (Linux ignores the offset). Clearing
    // the flag on a dup would clear it for the caller too (one open file
    // description), so open the same file afresh, without O_APPEND.
    int own = ReopenFd(fd, acc | O_NOCTTY | O_NONBLOCK);
    if (own >= 0) {
      struct stat again;
      if (fstat(own, &again) == 0 && again.st_dev == st.st_dev && again.st_ino == st.st_ino) {
        fcntl(own, F_SETFL, fcntl(own, F_GETFL) & ~O_NONBLOCK);
        return own;
      }
      close(own);
    }
    info->append = true;  // no /proc or no permission: writes use RWF_NOAPPEND
  }
  int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) Throw(errno, "fcntl");
  return dup;
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
    int64_t r = no_append ? platform_detail::PwriteNoAppend(fd, src + done, n - done, off + done)
                          : pwrite(fd, src + done, n - done, static_cast<off_t>(off + done));
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

// ---- memory -------------------------------------------------------------------

uint64_t PageSize() {
  static const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return page;
}

uint8_t* MapFileMemory(int fd, size_t length, MapMode mode) {
  int prot = PROT_READ;
  int flags = MAP_SHARED;
  if (mode == MapMode::SharedWrite) prot |= PROT_WRITE;
  if (mode == MapMode::Private) {
    prot |= PROT_WRITE;
    flags = MAP_PRIVATE;
  }
  void* p = mmap(nullptr, length, prot, flags | MAP_NORESERVE, fd, 0);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

void UnmapFileMemory(uint8_t* data, size_t length) { munmap(data, length); }

uint8_t* MapPrivatePage(int fd, uint64_t offset) {
  void* p = mmap(nullptr, static_cast<size_t>(PageSize()), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, static_cast<off_t>(offset));
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

void UnmapPage(uint8_t* page) {
  if (page != nullptr) munmap(page, static_cast<size_t>(PageSize()));
}

uint8_t* AllocZeroed(size_t length) {
  // Anonymous pages, not malloc: zero-filled lazily (sparse), and returned to
  // the OS the moment they are unmapped instead of lingering in an arena.
  size_t bytes = length == 0 ? static_cast<size_t>(PageSize()) : length;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

void FreeZeroed(uint8_t* data, size_t length) { munmap(data, length == 0 ? static_cast<size_t>(PageSize()) : length); }

bool DropPages(uint8_t* data, size_t length) {
  // Private anonymous pages read back as zeros after MADV_DONTNEED.
  return madvise(data, length, MADV_DONTNEED) == 0;
}

}  // namespace memfile

#endif  // !_WIN32
