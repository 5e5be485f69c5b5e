// The SIGBUS handler, the guarded copy and the registry of survivable
// mappings (sigbus.h). POSIX only (sigaction, siglongjmp); Windows' stand-ins
// are in platform-win32.cc.
#if !defined(_WIN32)

#include "sigbus.h"

#include <cstring>
#include <mutex>

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace memfile {

struct Region {
  std::atomic<uintptr_t> start{0};
  std::atomic<uintptr_t> end{0};
  std::atomic<int> fd{-1};
  std::atomic<bool> tainted{false};
  std::atomic<bool> in_use{false};
};

namespace {

// Chunks of region slots form a grow-only list: the handler reads it with
// acquire loads while other threads may append a chunk.
constexpr size_t kChunkSlots = 1024;
struct Chunk {
  Region slots[kChunkSlots];
  std::atomic<Chunk*> next{nullptr};
};
Chunk g_first_chunk;
std::mutex g_region_mutex;

struct Guard {
  sigjmp_buf jump;
  uintptr_t lo[2];
  uintptr_t hi[2];
};
// initial-exec keeps the handler away from lazy TLS allocation. volatile: the
// only reader is the signal handler, which the optimizer cannot see, so a
// plain store right before memmove (overwritten right after) is dead to it
// and was removed at -O3 (issue 10, defect 1). Checked by
// test/native-signal.test.ts on the release build's disassembly.
__attribute__((tls_model("initial-exec"))) thread_local Guard* volatile t_guard = nullptr;

struct sigaction g_previous;
std::once_flag g_install_once;
std::atomic<size_t> g_regions_in_use{0};
// sysconf() is not async-signal-safe: the handler uses this, set at install.
uintptr_t g_page_size = 4096;

bool InRange(const volatile Guard* g, uintptr_t addr) {
  for (int i = 0; i < 2; i++) {
    if (addr >= g->lo[i] && addr < g->hi[i]) return true;
  }
  return false;
}

Region* FindRegion(uintptr_t addr) {
  for (Chunk* c = &g_first_chunk; c != nullptr; c = c->next.load(std::memory_order_acquire)) {
    for (Region& r : c->slots) {
      if (!r.in_use.load(std::memory_order_acquire)) continue;
      uintptr_t s = r.start.load(std::memory_order_relaxed);
      uintptr_t e = r.end.load(std::memory_order_relaxed);
      if (addr >= s && addr < e) return &r;
    }
  }
  return nullptr;
}

// Async-signal-safe calls only from here on: fstat, mmap, sigaction,
// siglongjmp, and plain loads and stores (no malloc, no locks, no sysconf).
void ChainToPrevious(int sig, siginfo_t* info, void* ctx) {
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction != nullptr) {
      g_previous.sa_sigaction(sig, info, ctx);
      return;
    }
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
    return;
  }
  // Default action: restore it and let the fault happen again on return.
  struct sigaction dfl;
  memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
}

void OnSigbus(int sig, siginfo_t* info, void* ctx) {
  uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
  Guard* g = t_guard;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (g != nullptr && InRange(g, addr)) {
    t_guard = nullptr;
    siglongjmp(g->jump, 1);
  }
  Region* r = FindRegion(addr);
  if (r != nullptr) {
    uintptr_t page = g_page_size;
    uintptr_t from = addr & ~(page - 1);
    uintptr_t to = from + page;
    uintptr_t start = r->start.load(std::memory_order_relaxed);
    uintptr_t end = r->end.load(std::memory_order_relaxed);
    // Past the file's real end, every later page of the region faults too:
    // replace them all at once. Below it the page is valid file content that
    // could not be provided (a hole on a full tmpfs): replace only that page,
    // never the valid pages around it.
    int fd = r->fd.load(std::memory_order_acquire);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0) {
      uint64_t size = static_cast<uint64_t>(st.st_size);
      uint64_t valid = size >= end - start ? end - start : (size + page - 1) & ~(uint64_t{page} - 1);
      if (from >= start + valid) to = end;
    }
    if (to > end) to = end;
    r->tainted.store(true, std::memory_order_release);
    void* p = mmap(reinterpret_cast<void*>(from), to - from, PROT_READ | PROT_WRITE,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) return;
  }
  ChainToPrevious(sig, info, ctx);
}

void Install() {
  g_page_size = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = OnSigbus;
  // NODEFER: we leave the handler with siglongjmp without restoring a mask.
  sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGBUS, &sa, &g_previous);
}

}  // namespace

void InstallFaultHandler() { std::call_once(g_install_once, Install); }

bool GuardedCopy(void* dst, const void* src, size_t n) {
  if (n == 0) return true;
  Guard g;
  g.lo[0] = reinterpret_cast<uintptr_t>(dst);
  g.hi[0] = g.lo[0] + n;
  g.lo[1] = reinterpret_cast<uintptr_t>(src);
  g.hi[1] = g.lo[1] + n;
  Guard* volatile saved = t_guard;
  if (sigsetjmp(g.jump, 0) != 0) {
    t_guard = saved;
    return false;
  }
  // The fences keep the compiler from moving the guard's stores past the
  // copy (the handler reads g through t_guard); t_guard itself is volatile.
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_guard = &g;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  std::memmove(dst, src, n);  // the source may be a view of the same block
  std::atomic_signal_fence(std::memory_order_seq_cst);
  t_guard = saved;
  return true;
}

bool InAnyRegion(const void* p, size_t n) {
  size_t left = g_regions_in_use.load(std::memory_order_acquire);
  if (left == 0 || n == 0) return false;
  uintptr_t lo = reinterpret_cast<uintptr_t>(p);
  uintptr_t hi = lo + n;
  for (Chunk* c = &g_first_chunk; c != nullptr && left > 0; c = c->next.load(std::memory_order_acquire)) {
    for (Region& r : c->slots) {
      if (!r.in_use.load(std::memory_order_acquire)) continue;
      if (lo < r.end.load(std::memory_order_relaxed) && r.start.load(std::memory_order_relaxed) < hi) return true;
      if (--left == 0) break;
    }
  }
  return false;
}

void ForgetRegionFd(Region* region) {
  if (region != nullptr) region->fd.store(-1, std::memory_order_release);
}

Region* RegisterRegion(uint8_t* start, size_t length, int fd) {
  std::lock_guard<std::mutex> lock(g_region_mutex);
  Chunk* c = &g_first_chunk;
  for (;;) {
    for (Region& r : c->slots) {
      if (r.in_use.load(std::memory_order_relaxed)) continue;
      r.start.store(reinterpret_cast<uintptr_t>(start), std::memory_order_relaxed);
      r.end.store(reinterpret_cast<uintptr_t>(start) + length, std::memory_order_relaxed);
      r.fd.store(fd, std::memory_order_relaxed);
      r.tainted.store(false, std::memory_order_relaxed);
      r.in_use.store(true, std::memory_order_release);
      g_regions_in_use.fetch_add(1, std::memory_order_release);
      return &r;
    }
    Chunk* next = c->next.load(std::memory_order_acquire);
    if (next == nullptr) {
      next = new Chunk();
      c->next.store(next, std::memory_order_release);
    }
    c = next;
  }
}

void UnregisterRegion(Region* region) {
  if (region == nullptr) return;
  std::lock_guard<std::mutex> lock(g_region_mutex);
  region->fd.store(-1, std::memory_order_relaxed);
  region->in_use.store(false, std::memory_order_release);
  g_regions_in_use.fetch_sub(1, std::memory_order_release);
}

bool RegionTainted(const Region* region) {
  return region != nullptr && region->tainted.load(std::memory_order_acquire);
}

}  // namespace memfile

#endif  // !_WIN32
