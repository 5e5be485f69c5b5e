// Windows: only the heap backing exists (Block::Create with Backing::Heap).
// Everything else native/ offers — fds, shm, seals, file mappings, the SIGBUS
// guard, whole-file copies, passing fds over sockets — reports ENOTSUP here or
// does nothing, all in this one file: platform.h, sigbus.h, fileio.h, fdpass.h
// and fdpass-binding.h, whose real implementations are POSIX-only.
#if defined(_WIN32)

#include <errno.h>

#include <cstdlib>
#include <cstring>

#include "errors.h"
#include "fdpass-binding.h"
#include "fdpass.h"
#include "fileio.h"
#include "node-errors.h"
#include "platform.h"
#include "sigbus.h"

namespace memfile {

// ---- platform.h ---------------------------------------------------------------

bool HaveMemfd() { return false; }
int CreateMemfd(const std::string&) { Throw(ENOTSUP, "memfd_create", "memfd needs Linux"); }
int CreateShm(const std::string&) { Throw(ENOTSUP, "shm_open", "POSIX shm is not available on Windows"); }
int OpenShm(const std::string&, bool) { Throw(ENOTSUP, "shm_open", "POSIX shm is not available on Windows"); }
void UnlinkShm(const std::string&) {}
int AdoptFd(int, FdInfo*) { Throw(ENOTSUP, "fromFd", "file descriptors are not supported on Windows"); }
int GetSeals(int) { return 0; }
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
int ReopenFd(int, int) {
  errno = ENOSYS;
  return -1;
}

uint64_t PageSize() { return 4096; }
uint8_t* MapFileMemory(int, size_t, MapMode) { return nullptr; }
void UnmapFileMemory(uint8_t*, size_t) {}
uint8_t* MapPrivatePage(int, uint64_t) { return nullptr; }
void UnmapPage(uint8_t*) {}
uint8_t* AllocZeroed(size_t length) { return static_cast<uint8_t*>(std::calloc(length == 0 ? 1 : length, 1)); }
void FreeZeroed(uint8_t* data, size_t) { std::free(data); }
bool DropPages(uint8_t*, size_t) { return false; }

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
int AcceptNonblocking(int) {
  errno = ENOSYS;
  return -1;
}
PeerCredentials SocketPeer(int) { return PeerCredentials{}; }

// ---- sigbus.h: nothing can shrink under a heap block, so plain copies ----------

struct Region {};
void InstallFaultHandler() {}
bool GuardedCopy(void* dst, const void* src, size_t n) {
  std::memmove(dst, src, n);
  return true;
}
Region* RegisterRegion(uint8_t*, size_t, int) { return nullptr; }
void UnregisterRegion(Region*) {}
void ForgetRegionFd(Region*) {}
bool RegionTainted(const Region*) { return false; }
bool InAnyRegion(const void*, size_t) { return false; }

// ---- fileio.h -------------------------------------------------------------------

std::unique_ptr<Block> LoadBlock(int, Backing, const std::string&) { Throw(ENOTSUP, "read"); }
std::unique_ptr<Block> LoadPath(const std::string&, Backing, const std::string&) {
  Throw(ENOTSUP, "open", "fromFile needs a POSIX system");
}
SaveSource::SaveSource(Block&) { Throw(ENOTSUP, "write", "saveTo needs a POSIX system"); }
SaveSource::~SaveSource() {}
uint64_t SaveSource::WriteTo(int) const { Throw(ENOTSUP, "write"); }
bool SaveSource::IsFile(int) const { return false; }
uint64_t SavePath(const SaveSource&, const std::string&, int, unsigned) { Throw(ENOTSUP, "open"); }

// ---- fdpass.h and its binding -----------------------------------------------------

namespace fdpass {
Listener Listen(const std::string&, int) { Throw(ENOTSUP, "listen", "passing file descriptors needs POSIX"); }
void UnlinkIfOurs(const std::string&, const Listener&) {}
int Accept(int) { Throw(ENOTSUP, "accept"); }
Peer PeerOf(int) { return Peer{}; }
ReadState ReadSome(int, Incoming*) { Throw(ENOTSUP, "recvmsg"); }
int Connect(const std::string&, bool*) { Throw(ENOTSUP, "connect", "passing file descriptors needs POSIX"); }
int ConnectResult(int) { return ENOTSUP; }
size_t SendSome(int, const uint8_t*, size_t, size_t, int) { Throw(ENOTSUP, "sendmsg"); }
int Reopen(int) { Throw(ENOTSUP, "open"); }
void CloseQuietly(int) {}
}  // namespace fdpass

void InitFdPass(Napi::Env env, Napi::Object exports) {
  auto unsupported = [](const Napi::CallbackInfo& info) -> Napi::Value {
    throw MakeError(info.Env(), SysError{ENOTSUP, "socket", "passing file descriptors needs POSIX"});
  };
  exports.Set("FdServer", Napi::Function::New(env, unsupported, "FdServer"));
  exports.Set("sendFd", Napi::Function::New(env, unsupported, "sendFd"));
}

}  // namespace memfile

#endif  // _WIN32
