// N-API glue only: unpack arguments (already validated in TypeScript), call
// the core, turn SysError into Node-style errors, and own the lifetime of
// views (external ArrayBuffers over a mapping).
#include <napi.h>
#include <uv.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "block.h"
#include "errors.h"
#include "fdpass-binding.h"
#include "node-errors.h"
#include "fileio-binding.h"

namespace memfile {
namespace {

// ---- errors: MakeError (node-errors.h) ----------------------------------------

template <typename F>
auto Guarded(Napi::Env env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SysError& e) {
    throw MakeError(env, e);
  } catch (const std::bad_alloc&) {
    throw MakeError(env, SysError{ENOMEM, "malloc", {}});
  }
}

// ---- views ------------------------------------------------------------------

struct ViewEntry {
  napi_ref ref;  // weak: the ArrayBuffer may be collected first
  uint64_t end;
  std::shared_ptr<Mapping> mapping;
};

struct ViewSet {
  napi_env env;
  uint64_t next_id = 1;
  std::unordered_map<uint64_t, ViewEntry> entries;
};

struct ViewHolder {
  std::shared_ptr<ViewSet> set;
  uint64_t id;
  std::shared_ptr<Mapping> mapping;  // keeps the pages mapped while JS can see them
};

void FinalizeView(napi_env env, void* /*data*/, void* hint) {
  auto* holder = static_cast<ViewHolder*>(hint);
  auto it = holder->set->entries.find(holder->id);
  if (it != holder->set->entries.end()) {
    napi_delete_reference(env, it->second.ref);
    holder->set->entries.erase(it);
  }
  delete holder;
}

// ---- the wrapped block --------------------------------------------------------

struct AddonData {
  Napi::FunctionReference constructor;
  std::unordered_set<class BlockWrap*> live;
};

class BlockWrap : public Napi::ObjectWrap<BlockWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit BlockWrap(const Napi::CallbackInfo& info);
  ~BlockWrap() override;
  void CloseNow(bool detach_views);

 private:
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value Size(const Napi::CallbackInfo& info);
  Napi::Value Truncate(const Napi::CallbackInfo& info);
  Napi::Value Seal(const Napi::CallbackInfo& info);
  Napi::Value Seals(const Napi::CallbackInfo& info);
  Napi::Value Fd(const Napi::CallbackInfo& info);
  Napi::Value View(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value DetachAll(const Napi::CallbackInfo& info);
  Napi::Value Shared(const Napi::CallbackInfo& info);
  Napi::Value Window(const Napi::CallbackInfo& info);
  Napi::Value MakeView(Napi::Env env, std::shared_ptr<Mapping> mapping, uint64_t offset, uint64_t length,
                       uint64_t end);
  Napi::Value State(const Napi::CallbackInfo& info);
  Napi::Value SaveSource(const Napi::CallbackInfo& info) { return MakeSaveSource(info.Env(), *block_); }

  // Detaches views matching `pred`. With `unmap`, their file mappings are
  // unmapped and heap memory that is no longer the block's is freed; `final`
  // frees the block's own heap memory too (the block is closing).
  template <typename Pred>
  void DetachViews(Napi::Env env, Pred pred, bool unmap, bool final = false);
  void AfterResize(Napi::Env env, const Mapping* before);

  std::unique_ptr<Block> block_;
  std::shared_ptr<ViewSet> views_;
  AddonData* data_ = nullptr;
  Napi::Reference<Napi::ArrayBuffer> shared_;  // the FastState JavaScript reads
};

Napi::Function BlockWrap::Init(Napi::Env env) {
  return DefineClass(env, "Block",
                     {
                         InstanceMethod<&BlockWrap::Read>("read"),
                         InstanceMethod<&BlockWrap::Write>("write"),
                         InstanceMethod<&BlockWrap::Size>("size"),
                         InstanceMethod<&BlockWrap::Truncate>("truncate"),
                         InstanceMethod<&BlockWrap::Seal>("seal"),
                         InstanceMethod<&BlockWrap::Seals>("seals"),
                         InstanceMethod<&BlockWrap::Fd>("fd"),
                         InstanceMethod<&BlockWrap::View>("view"),
                         InstanceMethod<&BlockWrap::Close>("close"),
                         InstanceMethod<&BlockWrap::DetachAll>("detachViews"),
                         InstanceMethod<&BlockWrap::Shared>("shared"),
                         InstanceMethod<&BlockWrap::Window>("window"),
                         InstanceMethod<&BlockWrap::State>("state"),
                         InstanceMethod<&BlockWrap::SaveSource>("saveSource"),
                     });
}

uint64_t ToU64(const Napi::Value& v) {
  double d = v.As<Napi::Number>().DoubleValue();
  return d <= 0 ? 0 : static_cast<uint64_t>(d);
}

// new Block(op, ...): op 'create' (backing 0 memfd | 1 shm | 2 heap, name, size),
// 'attach' (name, readOnly), 'fromFd' (fd) or 'adopt' (token); see ts/native.ts
BlockWrap::BlockWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BlockWrap>(info) {
  Napi::Env env = info.Env();
  data_ = env.GetInstanceData<AddonData>();
  views_ = std::make_shared<ViewSet>();
  views_->env = env;
  std::string op = info[0].As<Napi::String>().Utf8Value();
  block_ = Guarded(env, [&]() -> std::unique_ptr<Block> {
    if (op == "create") {
      int kind = info[1].As<Napi::Number>().Int32Value();
      Backing backing = kind == 0 ? Backing::Memfd : kind == 1 ? Backing::Shm : Backing::Heap;
      return Block::Create(backing, info[2].As<Napi::String>().Utf8Value(), ToU64(info[3]));
    }
    if (op == "attach") {
      return Block::Attach(info[1].As<Napi::String>().Utf8Value(), info[2].ToBoolean().Value());
    }
    if (op == "fromFd") {
      return Block::FromFd(info[1].As<Napi::Number>().Int32Value());
    }
    if (op == "adopt") return TakeLoadedBlock(env, info[1]);  // MemFile.fromFile
    throw SysError{EINVAL, "memfile", "unknown block constructor"};
  });
  data_->live.insert(this);
  Napi::ArrayBuffer shared = Napi::ArrayBuffer::New(env, sizeof(FastState));
  block_->ShareState(new (shared.Data()) FastState());
  shared_ = Napi::Persistent(shared);
}

BlockWrap::~BlockWrap() {
  // Collected: views stay valid on their own mappings, the fd is closed.
  if (data_ != nullptr) data_->live.erase(this);
  if (block_) {
    block_->ShareState(nullptr);
    block_->Close();
  }
}

void BlockWrap::CloseNow(bool detach_views) {
  if (!block_ || block_->closed()) return;
  if (detach_views) {
    DetachViews(views_->env, [](const ViewEntry&) { return true; }, true, true);
  }
  block_->Close(detach_views);
}

template <typename Pred>
void BlockWrap::DetachViews(Napi::Env env, Pred pred, bool unmap, bool final) {
  std::vector<ViewEntry> doomed;
  for (auto it = views_->entries.begin(); it != views_->entries.end();) {
    if (pred(it->second)) {
      doomed.push_back(std::move(it->second));
      it = views_->entries.erase(it);
    } else {
      ++it;
    }
  }
  for (ViewEntry& e : doomed) {
    napi_value value = nullptr;
    if (napi_get_reference_value(env, e.ref, &value) == napi_ok && value != nullptr) {
      napi_detach_arraybuffer(env, value);
    }
    napi_delete_reference(env, e.ref);
    if (!unmap || !e.mapping) continue;
    bool ours = e.mapping.get() == block_->current();
    if (e.mapping->kind() != Mapping::Kind::Heap || !ours || final) e.mapping->Unmap();
  }
}

void BlockWrap::AfterResize(Napi::Env env, const Mapping* before) {
  // Heap blocks move when they grow; views of the old memory would be stale.
  if (block_->backing() == Backing::Heap && block_->current() != before) {
    const Mapping* now = block_->current();
    DetachViews(env, [now](const ViewEntry& e) { return e.mapping.get() != now; }, true);
  }
}

struct Bytes {
  uint8_t* data;
  size_t length;
};

Bytes GetBytes(Napi::Env env, const Napi::Value& v) {
  void* data = nullptr;
  size_t length = 0;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset) != napi_ok) {
    throw Napi::TypeError::New(env, "expected a Uint8Array");
  }
  return Bytes{static_cast<uint8_t*>(data), length};
}

// The (offset, bytes, start, length) arguments of read() and write(), with
// the byte range checked against the typed array (a real throw, not assert).
struct IoArgs {
  uint64_t offset;
  uint8_t* data;
  size_t length;
};

IoArgs GetIoArgs(const Napi::CallbackInfo& info, const char* what) {
  Napi::Env env = info.Env();
  Bytes bytes = GetBytes(env, info[1]);
  uint64_t start = ToU64(info[2]);
  uint64_t length = ToU64(info[3]);
  if (start > bytes.length || length > bytes.length - start) {
    throw Napi::RangeError::New(env, std::string(what) + " range outside the buffer");
  }
  return IoArgs{ToU64(info[0]), bytes.data + start, static_cast<size_t>(length)};
}

// read(offset, target, targetStart, length, cold?) -> bytesRead
Napi::Value BlockWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  IoArgs io = GetIoArgs(info, "read");
  bool cold = info.Length() > 4 && info[4].ToBoolean().Value();
  size_t n = Guarded(env, [&] { return block_->Read(io.offset, io.data, io.length, cold); });
  return Napi::Number::New(env, static_cast<double>(n));
}

// write(offset, source, sourceStart, length)
Napi::Value BlockWrap::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  IoArgs io = GetIoArgs(info, "write");
  const Mapping* before = block_->current();
  Guarded(env, [&] { block_->Write(io.offset, io.data, io.length); });
  AfterResize(env, before);
  return env.Undefined();
}

Napi::Value BlockWrap::Size(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Number::New(env, static_cast<double>(Guarded(env, [&] { return block_->Size(); })));
}

Napi::Value BlockWrap::Truncate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t length = ToU64(info[0]);
  const Mapping* before = block_->current();
  uint64_t n = Guarded(env, [&] { return block_->Truncate(length); });
  DetachViews(env, [length](const ViewEntry& e) { return e.end > length; }, false);
  AfterResize(env, before);
  return Napi::Number::New(env, static_cast<double>(n));
}

// seal(bits): adds kSeal* bits (validated in TypeScript). Views are detached
// only when write seals are really about to be added, after every check that
// can fail without touching anything.
Napi::Value BlockWrap::Seal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int seals = info[0].As<Napi::Number>().Int32Value() & kSealAll;
  int missing = Guarded(env, [&] { return block_->PlanSeals(seals); });
  if ((missing & kSealsForWrites) != 0) DetachViews(env, [](const ViewEntry&) { return true; }, true);
  Guarded(env, [&] { block_->AddSeals(seals); });
  return env.Undefined();
}

// seals() -> kSeal* bits on the file now
Napi::Value BlockWrap::Seals(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Number::New(env, Guarded(env, [&] { return block_->Seals(); }));
}

Napi::Value BlockWrap::Fd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Number::New(env, Guarded(env, [&] { return block_->Fd(); }));
}

// view(offset, length) -> ArrayBuffer whose bytes are the block's own
Napi::Value BlockWrap::View(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t offset = ToU64(info[0]);
  uint64_t length = ToU64(info[1]);
  uint64_t end = offset + length;
  std::shared_ptr<Mapping> mapping = Guarded(env, [&]() -> std::shared_ptr<Mapping> {
    if (block_->closed()) throw SysError{EBADF, "view", "the MemFile is closed"};
    return block_->ViewMapping(offset, end);
  });
  return MakeView(env, std::move(mapping), offset, length, end);
}

Napi::Value BlockWrap::MakeView(Napi::Env env, std::shared_ptr<Mapping> mapping, uint64_t offset, uint64_t length,
                                uint64_t end) {
  uint64_t id = views_->next_id++;
  auto* holder = new ViewHolder{views_, id, mapping};
  napi_value ab;
  napi_status status = napi_create_external_arraybuffer(env, mapping->data() + offset, static_cast<size_t>(length),
                                                        FinalizeView, holder, &ab);
  if (status != napi_ok) {
    delete holder;
    throw Napi::Error::New(env, "could not create a view (external buffers unavailable)");
  }
  napi_ref ref;
  napi_create_reference(env, ab, 0, &ref);
  views_->entries.emplace(id, ViewEntry{ref, end, mapping});
  return Napi::Value(env, ab);
}

Napi::Value BlockWrap::Shared(const Napi::CallbackInfo& /*info*/) { return shared_.Value(); }

// window() -> ArrayBuffer over the whole current mapping, or undefined when
// JavaScript must go through read()/write(). Tracked like a view (end 0: a
// shrink never detaches it; close and seal do).
Napi::Value BlockWrap::Window(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Mapping> mapping = Guarded(env, [&] { return block_->Window(); });
  if (!mapping) return env.Undefined();
  // The window covers at most the first 2 GiB (well inside what an ArrayBuffer
  // may span); JavaScript asks native code for anything past it.
  uint64_t length = std::min<uint64_t>(mapping->length(), uint64_t{1} << 31);
  return MakeView(env, std::move(mapping), 0, length, 0);
}

Napi::Value BlockWrap::DetachAll(const Napi::CallbackInfo& info) {
  DetachViews(info.Env(), [](const ViewEntry&) { return true; }, true);
  return info.Env().Undefined();
}

Napi::Value BlockWrap::Close(const Napi::CallbackInfo& info) {
  CloseNow(true);
  return info.Env().Undefined();
}

// state() -> [backing, name, writable, sealed, closed]
Napi::Value BlockWrap::State(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env, 5);
  int backing = block_->backing() == Backing::Memfd ? 0 : block_->backing() == Backing::Shm ? 1 : 2;
  out.Set(uint32_t{0}, Napi::Number::New(env, backing));
  out.Set(uint32_t{1}, Napi::String::New(env, block_->name()));
  out.Set(uint32_t{2}, Napi::Boolean::New(env, block_->writable()));
  out.Set(uint32_t{3}, Napi::Boolean::New(env, block_->sealed()));
  out.Set(uint32_t{4}, Napi::Boolean::New(env, block_->closed()));
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->constructor = Napi::Persistent(BlockWrap::Init(env));
  env.SetInstanceData<AddonData>(data);
  // Worker or process exit: close what is still open so no fd outlives the env.
  env.AddCleanupHook([data]() {
    std::vector<BlockWrap*> live(data->live.begin(), data->live.end());
    for (BlockWrap* w : live) w->CloseNow(false);
  });
  exports.Set("Block", data->constructor.Value());
  exports.Set("haveMemfd", Napi::Boolean::New(env, HaveMemfd()));
  exports.Set("pageSize", Napi::Number::New(env, static_cast<double>(PageSize())));
  // Numbers JavaScript and native code must agree on (ts/native.ts Binding.constants).
  Napi::Object constants = Napi::Object::New(env);
  constants.Set("bigFreshWrite", Napi::Number::New(env, static_cast<double>(kBigFreshWrite)));
  Napi::Object fast_state = Napi::Object::New(env);  // FastState field -> Float64Array index
  fast_state.Set("size", Napi::Number::New(env, offsetof(FastState, size) / sizeof(double)));
  fast_state.Set("physical", Napi::Number::New(env, offsetof(FastState, physical) / sizeof(double)));
  fast_state.Set("generation", Napi::Number::New(env, offsetof(FastState, generation) / sizeof(double)));
  fast_state.Set("fast", Napi::Number::New(env, offsetof(FastState, fast) / sizeof(double)));
  fast_state.Set("bytes", Napi::Number::New(env, sizeof(FastState)));
  constants.Set("fastState", fast_state);
  constants.Freeze();
  exports.Set("constants", constants);
  InitFdPass(env, exports);
  InitFileIo(env, exports);
  return exports;
}

}  // namespace
}  // namespace memfile

static Napi::Object InitMemfile(Napi::Env env, Napi::Object exports) { return memfile::Init(env, exports); }
NODE_API_MODULE(memfile, InitMemfile)
