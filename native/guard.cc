#include "guard.h"

#include <cstring>
#include <mutex>

#ifdef _WIN32

// Windows has no fd-backed shared memory here (only the heap backing), so
// nothing can shrink under a mapping: plain copies, no regions.
namespace memfile {
struct Region {};
void InstallFaultHandler() {}
bool GuardedCopy(void* dst, const void* src, size_t n) {
  std::memmove(dst, src, n);
  return true;
}
Region* RegisterRegion(uint8_t*, size_t) { return nullptr; }
void UnregisterRegion(Region*) {}
bool RegionTainted(const Region*) { return false; }
}  // namespace memfile

#else

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

namespace memfile {

struct Region {
  std::atomic<uintptr_t> start{0};
  std::atomic<uintptr_t> end{0};
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
// initial-exec keeps the handler away from lazy TLS allocation.
__attribute__((tls_model("initial-exec"))) thread_local Guard* t_guard = nullptr;

struct sigaction g_previous;
std::once_flag g_install_once;

bool InRange(const Guard* g, uintptr_t addr) {
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
  signal(sig, SIG_DFL);
}

void OnSigbus(int sig, siginfo_t* info, void* ctx) {
  uintptr_t addr = reinterpret_cast<uintptr_t>(info->si_addr);
  Guard* g = t_guard;
  if (g != nullptr && InRange(g, addr)) {
    t_guard = nullptr;
    siglongjmp(g->jump, 1);
  }
  Region* r = FindRegion(addr);
  if (r != nullptr) {
    // Map private zero pages from the faulting page to the region's end.
    uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    uintptr_t from = addr & ~(page - 1);
    uintptr_t end = r->end.load(std::memory_order_relaxed);
    r->tainted.store(true, std::memory_order_release);
    void* p = mmap(reinterpret_cast<void*>(from), end - from, PROT_READ | PROT_WRITE,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p != MAP_FAILED) return;
  }
  ChainToPrevious(sig, info, ctx);
}

void Install() {
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
  t_guard = &g;
  std::memmove(dst, src, n);  // the source may be a view of the same block
  t_guard = saved;
  return true;
}

Region* RegisterRegion(uint8_t* start, size_t length) {
  std::lock_guard<std::mutex> lock(g_region_mutex);
  Chunk* c = &g_first_chunk;
  for (;;) {
    for (Region& r : c->slots) {
      if (r.in_use.load(std::memory_order_relaxed)) continue;
      r.start.store(reinterpret_cast<uintptr_t>(start), std::memory_order_relaxed);
      r.end.store(reinterpret_cast<uintptr_t>(start) + length, std::memory_order_relaxed);
      r.tainted.store(false, std::memory_order_relaxed);
      r.in_use.store(true, std::memory_order_release);
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
  region->in_use.store(false, std::memory_order_release);
}

bool RegionTainted(const Region* region) {
  return region != nullptr && region->tainted.load(std::memory_order_acquire);
}

}  // namespace memfile

#endif  // _WIN32
