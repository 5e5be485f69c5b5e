// Whole-file copies (fileio.h). POSIX only; Windows' stand-ins are in
// platform-win32.cc. The kernel copies themselves (copy_file_range, sendfile,
// splice) come from platform.h, which reports ENOSYS where a system lacks one.
#if !defined(_WIN32)

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "errors.h"

namespace memfile {

namespace {

// One kernel call moves at most this much (Linux caps read/write/sendfile at
// 0x7ffff000 anyway); files of any size are copied in a loop.
constexpr uint64_t kMaxChunk = uint64_t{1} << 30;
constexpr size_t kBounce = 1 << 20;     // bytes per read()/write() where nothing better works
constexpr uint64_t kMinGrowth = 64 * 1024;

size_t Chunk(uint64_t remaining) { return static_cast<size_t>(std::min(std::max<uint64_t>(remaining, 1), kMaxChunk)); }

// errno values that mean "this pair of files cannot do that kind of copy":
// try the next kind. Anything else is a real failure (EIO, ENOSPC, EFBIG...).
bool Unsupported(int err) {
  return err == EXDEV || err == EINVAL || err == ENOSYS || err == EOPNOTSUPP || err == ENOTSUP ||
         err == ESPIPE || err == EBADF || err == EPERM;
}


// The kernel copies `src` into `dst` (a private memfd / new shm file) from
// `pos` on: copy_file_range, then sendfile, or splice for a pipe. Returns
// where it stopped: EOF, or the first offset no kernel copy could handle.
uint64_t KernelFill(int src, bool seekable, bool fifo, int dst, uint64_t expected) {
  uint64_t pos = 0;
  if (seekable) {
    for (;;) {
      int64_t in = static_cast<int64_t>(pos), out = static_cast<int64_t>(pos);
      int64_t r = CopyFileRange(src, &in, dst, &out, Chunk(expected > pos ? expected - pos : kMaxChunk));
      if (r > 0) { pos += static_cast<uint64_t>(r); continue; }
      if (r == 0) return pos;
      if (errno == EINTR) continue;
      if (Unsupported(errno)) break;
      Throw(errno, "copy_file_range");
    }
    // sendfile writes at dst's file position; the block never uses it, so
    // park it at pos and put it back at 0 when done (mf.fd's offset starts at 0).
    if (lseek(dst, static_cast<off_t>(pos), SEEK_SET) < 0) Throw(errno, "lseek");
    uint64_t start = pos;
    for (;;) {
      int64_t in = static_cast<int64_t>(pos);
      int64_t r = SendFile(dst, src, &in, Chunk(expected > pos ? expected - pos : kMaxChunk));
      if (r > 0) { pos += static_cast<uint64_t>(r); continue; }
      if (r == 0) break;
      if (errno == EINTR) continue;
      if (Unsupported(errno) && pos == start) break;
      int err = errno;
      lseek(dst, 0, SEEK_SET);
      Throw(err, "sendfile");
    }
    lseek(dst, 0, SEEK_SET);
    return pos;
  }
  if (fifo) {
    for (;;) {
      int64_t out = static_cast<int64_t>(pos);
      int64_t r = SpliceToFile(src, dst, &out, kMaxChunk);
      if (r > 0) { pos += static_cast<uint64_t>(r); continue; }
      if (r == 0) return pos;
      if (errno == EINTR) continue;
      if (Unsupported(errno) && pos == 0) return pos;
      Throw(errno, "splice");
    }
  }
  return pos;
}

// read()/pread() until `n` bytes or EOF; short only at EOF.
size_t ReadFully(int src, bool seekable, uint8_t* dst, size_t n, uint64_t off) {
  if (seekable) return ReadAt(src, dst, n, off);
  size_t done = 0;
  while (done < n) {
    ssize_t r = read(src, dst + done, n - done);
    if (r < 0) {
      if (errno == EINTR) continue;
      Throw(errno, "read");
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

// Reads the rest of `src` (from `pos`) into the block's memory: straight into
// its mapping while data keeps coming, through a small buffer for the read
// that usually just confirms EOF. ReadFully is short only at EOF.
void ReadFill(Block& block, int src, bool seekable, uint64_t pos, uint64_t expected) {
  std::vector<uint8_t> bounce;
  for (;;) {
    if (expected <= pos) {
      // Nothing (more) expected: a regular file ends here; /proc files, pipes
      // and terminals do not know their size. One small read tells.
      if (bounce.empty()) bounce.resize(kMinGrowth);
      size_t r = ReadFully(src, seekable, bounce.data(), bounce.size(), pos);
      if (r > 0) block.Write(pos, bounce.data(), r);
      pos += r;
      if (r < bounce.size()) return;
      expected = pos + std::max<uint64_t>(pos, kMinGrowth);  // it keeps coming: double
    }
    uint64_t want = std::min(expected - pos, kMaxChunk);
    uint64_t end = pos + want;
    block.Truncate(end);  // zero-filled growth; the read overwrites it
    std::shared_ptr<Mapping> m;
    try {
      m = block.ViewMapping(pos, end);
    } catch (const SysError& e) {
      if (e.err != ENOMEM) throw;  // no address space for it: copy through a buffer instead
    }
    size_t r = 0;
    if (m && m->mapped()) {
      r = ReadFully(src, seekable, m->data() + pos, static_cast<size_t>(want), pos);
    } else {
      if (bounce.size() < kBounce) bounce.resize(kBounce);
      while (r < want) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(bounce.size(), want - r));
        size_t got = ReadFully(src, seekable, bounce.data(), n, pos + r);
        if (got > 0) block.Write(pos + r, bounce.data(), got);
        r += got;
        if (got < n) break;
      }
    }
    pos += r;
    if (r < want) {
      block.Truncate(pos);
      return;
    }
  }
}

void WriteAll(int dst, const uint8_t* src, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = write(dst, src + done, std::min<size_t>(n - done, kMaxChunk));
    if (r < 0) {
      if (errno == EINTR) continue;
      Throw(errno, "write");
    }
    done += static_cast<size_t>(r);
  }
}

int OpenRetrying(const std::string& path, int flags, unsigned mode) {
  int fd;
  do {
    fd = open(path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(mode));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) Throw(errno, "open");
  return fd;
}

// Closes on every way out of a scope.
struct FdCloser {
  int fd;
  ~FdCloser() { CloseFd(fd); }
};

}  // namespace

std::unique_ptr<Block> LoadBlock(int src, Backing backing, const std::string& name) {
  struct stat st;
  if (fstat(src, &st) != 0) Throw(errno, "fstat");
  if (S_ISDIR(st.st_mode)) Throw(EISDIR, "read");
  bool seekable = S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
  uint64_t expected = S_ISREG(st.st_mode) && st.st_size > 0 ? static_cast<uint64_t>(st.st_size) : 0;
  std::unique_ptr<Block> block = Block::Create(backing, name, 0);
  uint64_t pos = 0;
  int dst = block->FillFd();
  if (dst >= 0) {
    pos = KernelFill(src, seekable, S_ISFIFO(st.st_mode), dst, expected);
    block->Filled(pos);
  }
  ReadFill(*block, src, seekable, pos, expected);
  return block;
}

SaveSource::SaveSource(Block& block) {
  size_ = block.Size();
  fd_ = block.DupFd();
  if (fd_ < 0) {
    mapping_ = block.ViewMapping(0, size_);  // the heap block's memory itself
    if (size_ > 0 && (!mapping_ || !mapping_->mapped())) Throw(ENOMEM, "mmap");
    if (mapping_) {
      mapping_->Pin();
      data_ = mapping_->data();
    }
  }
}

SaveSource::~SaveSource() {
  CloseFd(fd_);
  if (mapping_) mapping_->Unpin();
}

uint64_t SaveSource::WriteTo(int dst) const {
  if (fd_ < 0) {
    if (size_ > 0) WriteAll(dst, data_, static_cast<size_t>(size_));
    return size_;
  }
  // copy_file_range and sendfile write at dst's file position (off_out NULL),
  // as fs.writeFile(fd) does; an O_APPEND dst refuses both and takes write().
  uint64_t pos = 0;
  while (pos < size_) {
    int64_t in = static_cast<int64_t>(pos);
    int64_t r = CopyFileRange(fd_, &in, dst, nullptr, Chunk(size_ - pos));
    if (r > 0) { pos += static_cast<uint64_t>(r); continue; }
    if (r == 0) return pos;  // another process shrank the source
    if (errno == EINTR) continue;
    if (Unsupported(errno)) break;
    Throw(errno, "copy_file_range");
  }
  uint64_t start = pos;
  while (pos < size_) {
    int64_t in = static_cast<int64_t>(pos);
    int64_t r = SendFile(dst, fd_, &in, Chunk(size_ - pos));
    if (r > 0) { pos += static_cast<uint64_t>(r); continue; }
    if (r == 0) return pos;
    if (errno == EINTR) continue;
    if (Unsupported(errno) && pos == start) break;
    Throw(errno, "sendfile");
  }
  std::vector<uint8_t> bounce(static_cast<size_t>(std::min<uint64_t>(kBounce, std::max<uint64_t>(size_ - pos, 1))));
  while (pos < size_) {
    size_t got = ReadAt(fd_, bounce.data(), static_cast<size_t>(std::min<uint64_t>(bounce.size(), size_ - pos)), pos);
    if (got == 0) break;
    WriteAll(dst, bounce.data(), got);
    pos += got;
  }
  return pos;
}

std::unique_ptr<Block> LoadPath(const std::string& path, Backing backing, const std::string& name) {
  FdCloser src{OpenRetrying(path, O_RDONLY, 0)};
  return LoadBlock(src.fd, backing, name);
}

bool SaveSource::IsFile(int fd) const {
  struct stat a, b;
  return fd_ >= 0 && fstat(fd_, &a) == 0 && fstat(fd, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

uint64_t SavePath(const SaveSource& source, const std::string& path, int flags, unsigned mode) {
  // O_TRUNC waits until the target is known not to be the source itself:
  // saveTo(mf.path) would otherwise empty the MemFile before copying it.
  int fd = OpenRetrying(path, flags & ~O_TRUNC, mode);
  uint64_t n;
  try {
    if (source.IsFile(fd)) Throw(EINVAL, "open", "the target is the MemFile's own file");
    struct stat st;
    if ((flags & O_TRUNC) != 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) Resize(fd, 0);
    n = source.WriteTo(fd);
  } catch (...) {
    CloseFd(fd);
    throw;
  }
  if (close(fd) != 0 && errno != EINTR) Throw(errno, "close");
  return n;
}

}  // namespace memfile

#endif  // !_WIN32
