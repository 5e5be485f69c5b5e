// platform.h, the parts only Linux has: memfd_create and seals, fallocate,
// pwritev2(RWF_NOAPPEND), /proc/self/fd, tmpfs checks (fstatfs),
// copy_file_range/sendfile/splice, accept4 and SO_PEERCRED. The POSIX rest is
// platform-posix.cc.
#if defined(__linux__)

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "errors.h"
#include "platform.h"

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
#endif
#ifndef RWF_NOAPPEND
#define RWF_NOAPPEND 0x00000020
#endif
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 0x01
#endif

namespace memfile {

bool HaveMemfd() { return true; }

int CreateMemfd(const std::string& name) {
  unsigned flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;
  // MFD_NOEXEC_SEAL is new in 6.3; older kernels reject the unknown flag.
  int fd = static_cast<int>(syscall(SYS_memfd_create, name.c_str(), flags | MFD_NOEXEC_SEAL));
  if (fd < 0 && errno == EINVAL) fd = static_cast<int>(syscall(SYS_memfd_create, name.c_str(), flags));
  if (fd < 0) Throw(errno, "memfd_create");
  return fd;
}

// ---- seals (kSeal* are numerically F_SEAL_*) ----------------------------------

int GetSeals(int fd) {
  int seals = fcntl(fd, F_GET_SEALS);
  return seals < 0 ? 0 : seals;
}

void AddSeals(int fd, int seals) {
  if (fcntl(fd, F_ADD_SEALS, seals) != 0) {
    int err = errno;
    // EINVAL: not a sealable file, or a seal this kernel does not know
    // (F_SEAL_FUTURE_WRITE is 5.1+): either way, not supported here.
    if (err == EINVAL) Throw(ENOTSUP, "fcntl", "this file or kernel cannot add these seals");
    Throw(err, "fcntl");
  }
}

// ---- space on size-limited tmpfs ------------------------------------------------

bool CanRunOutOfSpace(int fd) {
  struct statfs fs;
  // An unlimited tmpfs (the kernel's internal memfd mount) reports 0 blocks.
  return fstatfs(fd, &fs) != 0 || fs.f_blocks != 0;
}

bool Reserve(int fd, uint64_t off, uint64_t n, bool keep_size) {
  if (n == 0) return true;
  int rc;
  do {
    rc = fallocate(fd, keep_size ? FALLOC_FL_KEEP_SIZE : 0, static_cast<off_t>(off), static_cast<off_t>(n));
  } while (rc != 0 && errno == EINTR);
  if (rc == 0) return true;
  if (errno == EOPNOTSUPP || errno == ENOSYS) return false;
  Throw(errno, "fallocate");
}

// ---- /proc/self/fd --------------------------------------------------------------

int ReopenFd(int fd, int flags) {
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  return open(proc.c_str(), flags | O_CLOEXEC);
}

namespace platform_detail {

void DescribeFd(int fd, FdInfo* info) {
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) Throw(errno, "fstatfs");
  if (fs.f_type != TMPFS_MAGIC && fs.f_type != HUGETLBFS_MAGIC) {
    Throw(EINVAL, "fstatfs", "not on a memory filesystem (tmpfs)");
  }
  char link[4096];
  std::string proc = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = readlink(proc.c_str(), link, sizeof(link) - 1);
  if (n <= 0) return;
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

int64_t PwriteNoAppend(int fd, const uint8_t* src, size_t n, uint64_t off) {
  struct iovec iov = {const_cast<uint8_t*>(src), n};
  ssize_t r = pwritev2(fd, &iov, 1, static_cast<off_t>(off), RWF_NOAPPEND);
  if (r < 0 && (errno == EINVAL || errno == EOPNOTSUPP)) {
    Throw(ENOTSUP, "pwritev2", "this kernel cannot write at an offset through an O_APPEND fd");
  }
  return r;
}

}  // namespace platform_detail

// ---- kernel copies ----------------------------------------------------------------

int64_t CopyFileRange(int in, int64_t* off_in, int out, int64_t* off_out, size_t len) {
  // The raw syscall: glibc < 2.27 has no wrapper, and some emulate it in user space.
  loff_t i = off_in != nullptr ? static_cast<loff_t>(*off_in) : 0;
  loff_t o = off_out != nullptr ? static_cast<loff_t>(*off_out) : 0;
  int64_t r = syscall(SYS_copy_file_range, in, off_in != nullptr ? &i : nullptr, out, off_out != nullptr ? &o : nullptr,
                      len, 0u);
  if (off_in != nullptr) *off_in = i;
  if (off_out != nullptr) *off_out = o;
  return r;
}

int64_t SendFile(int out, int in, int64_t* off_in, size_t len) {
  off_t i = static_cast<off_t>(*off_in);
  ssize_t r = sendfile(out, in, &i, len);
  *off_in = i;
  return r;
}

int64_t SpliceToFile(int pipe_in, int out, int64_t* off_out, size_t len) {
  loff_t o = static_cast<loff_t>(*off_out);
  ssize_t r = splice(pipe_in, nullptr, out, &o, len, SPLICE_F_MOVE);
  *off_out = o;
  return r;
}

// ---- Unix domain sockets ----------------------------------------------------------

int AcceptNonblocking(int listen_fd) { return accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC); }

PeerCredentials SocketPeer(int sock) {
  PeerCredentials peer;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
    peer.pid = cred.pid;
    peer.uid = cred.uid;
    peer.gid = cred.gid;
  }
  return peer;
}

}  // namespace memfile

#endif  // __linux__
