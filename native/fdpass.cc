// Unix domain sockets with SCM_RIGHTS; see fdpass.h. POSIX only (Windows'
// stand-ins are in platform-win32.cc); what differs between Linux and the
// other systems (accept4, SO_PEERCRED, /proc/self/fd) comes from platform.h.
#if !defined(_WIN32)

#include "fdpass.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"
#include "platform.h"

namespace memfile {
namespace fdpass {
namespace {

[[maybe_unused]] void SetFlags(int fd) {
  // Where socket()/accept4() cannot set them atomically.
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int NewSocket() {
#ifdef SOCK_NONBLOCK
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) Throw(errno, "socket");
#else
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) Throw(errno, "socket");
  SetFlags(fd);
#endif
#ifdef SO_NOSIGPIPE
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  return fd;
}

sockaddr_un Address(const std::string& path, const char* syscall) {
  sockaddr_un addr;
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    Throw(ENAMETOOLONG, syscall, "socket path longer than " + std::to_string(sizeof addr.sun_path - 1) + " bytes");
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

void MarkCloexec(int fd) {
#ifndef MSG_CMSG_CLOEXEC
  fcntl(fd, F_SETFD, FD_CLOEXEC);
#else
  (void)fd;
#endif
}

}  // namespace

void CloseQuietly(int fd) {
  if (fd >= 0) close(fd);  // never retried on EINTR: the fd is gone either way on Linux
}

Listener Listen(const std::string& path, int backlog) {
  sockaddr_un addr = Address(path, "bind");
  Listener l;
  l.fd = NewSocket();
  if (bind(l.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    CloseQuietly(l.fd);
    Throw(err, "bind");
  }
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    l.dev = static_cast<uint64_t>(st.st_dev);
    l.ino = static_cast<uint64_t>(st.st_ino);
  }
  if (listen(l.fd, backlog) != 0) {
    int err = errno;
    UnlinkIfOurs(path, l);
    CloseQuietly(l.fd);
    Throw(err, "listen");
  }
  return l;
}

void UnlinkIfOurs(const std::string& path, const Listener& l) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) return;
  if (static_cast<uint64_t>(st.st_dev) != l.dev || static_cast<uint64_t>(st.st_ino) != l.ino) return;
  unlink(path.c_str());
}

int Accept(int listen_fd) {
  for (;;) {
    int fd = AcceptNonblocking(listen_fd);
    if (fd >= 0) return fd;
    // The connection went away before we took it: try the next one.
    if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
    Throw(errno, "accept");
  }
}

Peer PeerOf(int fd) { return SocketPeer(fd); }

ReadState ReadSome(int fd, Incoming* in) {
  // Room for a few fds so that "more than one" is seen as such (and closed);
  // beyond that the kernel sets MSG_CTRUNC and releases the rest itself.
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)];
  if (in->buffer.size() != kMaxMessage + 1) in->buffer.resize(kMaxMessage + 1);
  for (;;) {
    if (in->length > kMaxMessage) return ReadState::Oversize;
    iovec iov{in->buffer.data() + in->length, kMaxMessage + 1 - in->length};
    msghdr msg;
    std::memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    int flags = MSG_DONTWAIT;
#ifdef MSG_CMSG_CLOEXEC
    flags |= MSG_CMSG_CLOEXEC;
#endif
    ssize_t n = recvmsg(fd, &msg, flags);
    int err = errno;
    if (n > 0) in->length += static_cast<size_t>(n);
    if (n >= 0) {
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
          int received;
          std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
          MarkCloexec(received);
          in->fds.push_back(received);
        }
      }
      if (msg.msg_flags & MSG_CTRUNC) in->fds_truncated = true;
    }
    if (n == 0) return ReadState::Eof;
    if (n > 0) continue;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) return ReadState::Again;
    Throw(err, "recvmsg");
  }
}

int Connect(const std::string& path, bool* pending) {
  sockaddr_un addr = Address(path, "connect");
  int fd = NewSocket();
  *pending = false;
  for (;;) {
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
    if (errno == EINTR) continue;
    if (errno == EINPROGRESS) {
      *pending = true;
      return fd;
    }
    int err = errno;
    CloseQuietly(fd);
    Throw(err, "connect");
  }
}

int ConnectResult(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

size_t SendSome(int sock, const uint8_t* message, size_t length, size_t sent, int fd) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  iovec iov{const_cast<uint8_t*>(message + sent), length - sent};
  msghdr msg;
  std::memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (sent == 0) {
    std::memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  int flags = MSG_DONTWAIT;
#ifdef MSG_NOSIGNAL
  flags |= MSG_NOSIGNAL;  // a receiver that went away is EPIPE, not SIGPIPE
#endif
  for (;;) {
    ssize_t n = sendmsg(sock, &msg, flags);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    Throw(errno, "sendmsg");
  }
}

int Reopen(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) Throw(errno, "fcntl");
  int fresh = ReopenFd(fd, flags & O_ACCMODE);
  if (fresh >= 0) return fresh;
  if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) Throw(errno, "open");
#ifdef F_DUPFD_CLOEXEC
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
#else
  int copy = dup(fd);
  if (copy >= 0) fcntl(copy, F_SETFD, FD_CLOEXEC);
#endif
  if (copy < 0) Throw(errno, "dup");
  return copy;
}

}  // namespace fdpass
}  // namespace memfile

#endif  // !_WIN32
