// Passing a file descriptor to another process over a Unix domain stream
// socket (SCM_RIGHTS): the socket syscalls only, all nonblocking, no event
// loop and no JavaScript (native/fdpass-binding.cc drives them from libuv).
//
// Wire format (what Python's socket.send_fds / recv_fds use): one connection
// per file; the sender writes a 1..kMaxMessage byte message whose first bytes
// carry exactly one fd as ancillary data, then closes.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "platform.h"

namespace memfile {
namespace fdpass {

constexpr size_t kMaxMessage = 65536;

using Peer = PeerCredentials;  // platform.h

// socket + bind + listen on `path`, nonblocking and close-on-exec. The file's
// device and inode are kept so the server removes only the file it made.
struct Listener {
  int fd = -1;
  uint64_t dev = 0;
  uint64_t ino = 0;
};
Listener Listen(const std::string& path, int backlog);
// Removes `path` if it is still the socket file `l` created.
void UnlinkIfOurs(const std::string& path, const Listener& l);

// One accepted connection (nonblocking, close-on-exec) or -1 when none is
// waiting. Throws SysError for real failures (EMFILE, ...).
int Accept(int listen_fd);
Peer PeerOf(int fd);

// What one connection has delivered so far.
struct Incoming {
  std::vector<uint8_t> buffer;  // kMaxMessage + 1 bytes once reading starts
  size_t length = 0;            // bytes of the message received
  std::vector<int> fds;     // every fd received, close-on-exec; the caller owns them
  bool fds_truncated = false;  // the kernel dropped fds that did not fit (MSG_CTRUNC)
};
enum class ReadState { Again, Eof, Oversize };
// Reads until the socket would block, the peer closed, or more than
// kMaxMessage bytes arrived. Throws SysError (recvmsg) on a socket error.
ReadState ReadSome(int fd, Incoming* in);

// A nonblocking connect. Returns the socket; *pending is set when the
// connection completes later (wait for writable, then ConnectResult).
// EAGAIN (a full backlog) is thrown like any other error; the caller retries.
int Connect(const std::string& path, bool* pending);
int ConnectResult(int fd);  // 0 or the errno of a finished nonblocking connect

// Sends message[sent..] with `fd` attached when sent == 0. Returns the bytes
// written, 0 when the socket would block. Throws SysError (sendmsg).
size_t SendSome(int sock, const uint8_t* message, size_t length, size_t sent, int fd);

// A new open file description of the same file (own offset, same access
// mode), so receivers reading with read() do not move each other's offset.
// Falls back to dup() where /proc/self/fd cannot be opened.
int Reopen(int fd);

void CloseQuietly(int fd);

}  // namespace fdpass
}  // namespace memfile
