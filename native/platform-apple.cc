// platform.h on macOS and the other non-Linux POSIX systems (the BSDs): the
// entry points platform-linux.cc provides, without the Linux features. No
// memfd and no seals (POSIX shm is the shared backing), no fallocate, no
// /proc/self/fd, no kernel copies (fileio.cc copies through memory), and
// getpeereid / LOCAL_PEERPID for a socket's peer.
#if !defined(_WIN32) && !defined(__linux__)

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include "errors.h"
#include "platform.h"

namespace memfile {

bool HaveMemfd() { return false; }

int CreateMemfd(const std::string& name) {
  (void)name;
  Throw(ENOTSUP, "memfd_create");
}

int GetSeals(int) { return 0; }

void AddSeals(int, int) { Throw(ENOTSUP, "fcntl", "sealing needs Linux memfd"); }

// Without a way to ask, assume the filesystem can fill up: views reserve
// first (Reserve() then does nothing) rather than fault later.
bool CanRunOutOfSpace(int) { return true; }

bool Reserve(int, uint64_t, uint64_t n, bool) { return n == 0; }

int ReopenFd(int, int) {
  errno = ENOSYS;
  return -1;
}

namespace platform_detail {

void DescribeFd(int, FdInfo*) {}

int64_t PwriteNoAppend(int fd, const uint8_t* src, size_t n, uint64_t off) {
  return pwrite(fd, src, n, static_cast<off_t>(off));
}

}  // namespace platform_detail

int64_t CopyFileRange(int, int64_t*, int, int64_t*, size_t) {
  errno = ENOSYS;
  return -1;
}

int64_t SendFile(int, int, int64_t*, size_t) {
  errno = ENOSYS;
  return -1;
}

int64_t SpliceToFile(int, int, int64_t*, size_t) {
  errno = ENOSYS;
  return -1;
}

int AcceptNonblocking(int listen_fd) {
  int fd = accept(listen_fd, nullptr, nullptr);
  if (fd >= 0) {
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  }
  return fd;
}

PeerCredentials SocketPeer(int sock) {
  PeerCredentials peer;
  uid_t uid;
  gid_t gid;
  if (getpeereid(sock, &uid, &gid) == 0) {
    peer.uid = uid;
    peer.gid = gid;
  }
#if defined(LOCAL_PEERPID)
  pid_t pid;
  socklen_t len = sizeof pid;
  if (getsockopt(sock, SOL_LOCAL, LOCAL_PEERPID, &pid, &len) == 0) peer.pid = pid;
#endif
  return peer;
}

}  // namespace memfile

#endif  // POSIX, not Linux
