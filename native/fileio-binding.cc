// N-API glue for whole-file copies: loadFile(source, backing, name, async)
// and saveFile(sourceToken, target, flags, mode, async). The async forms run
// on libuv's thread pool (Napi::AsyncWorker) and settle a Promise; the sync
// forms run the same code inline. Arguments arrive validated (ts/files.ts).
//
// Nothing a worker thread touches is reachable from JavaScript while it runs:
// a load fills a Block no one else has (handed over later as an External
// token that `new Block('adopt', token)` takes), and a save reads its own dup
// of the fd or a pinned heap mapping (SaveSource), so closing, growing or
// collecting the MemFile meanwhile cannot pull memory from under it.
#include "fileio-binding.h"

#include <optional>
#include <string>

#include "errors.h"
#include "fileio.h"
#include "node-errors.h"

namespace memfile {
namespace {

// MakeError (node-errors.h) gives Node's SystemError shape; ts/files.ts adds `path`
// and the quoted path at the end of the message.

// Runs `f`, turning the core's exceptions into a SysError.
template <typename F>
std::optional<SysError> Catch(F&& f) {
  try {
    f();
    return std::nullopt;
  } catch (const SysError& e) {
    return e;
  } catch (const std::bad_alloc&) {
    return SysError{ENOMEM, "malloc", {}};
  }
}

const napi_type_tag kLoadedTag = {0x6d656d66696c6531ULL, 0x6c6f616465643031ULL};
const napi_type_tag kSourceTag = {0x6d656d66696c6531ULL, 0x736f757263653031ULL};

struct Loaded {
  std::unique_ptr<Block> block;
};

Napi::Value LoadedToken(Napi::Env env, std::unique_ptr<Block> block) {
  auto token = Napi::External<Loaded>::New(env, new Loaded{std::move(block)},
                                           [](Napi::Env, Loaded* loaded) { delete loaded; });
  token.TypeTag(&kLoadedTag);
  return token;
}

std::unique_ptr<SaveSource>* SourceOf(Napi::Env env, const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<Napi::External<std::unique_ptr<SaveSource>>>().CheckTypeTag(&kSourceTag)) {
    throw Napi::TypeError::New(env, "expected a save source");
  }
  return v.As<Napi::External<std::unique_ptr<SaveSource>>>().Data();
}

// The source of a load: a path to open (on the worker) or our own dup of the
// caller's fd (taken now: the caller may close theirs while we read).
struct LoadArgs {
  std::string path;
  int fd = -1;
  Backing backing = Backing::Memfd;
  std::string name;

  LoadArgs() = default;
  LoadArgs(const LoadArgs&) = delete;
  LoadArgs& operator=(const LoadArgs&) = delete;
  LoadArgs(LoadArgs&& o) noexcept : path(std::move(o.path)), fd(o.fd), backing(o.backing), name(std::move(o.name)) {
    o.fd = -1;
  }
  ~LoadArgs() { CloseFd(fd); }

  std::unique_ptr<Block> Run() {
    if (fd < 0) return LoadPath(path, backing, name);
    std::unique_ptr<Block> block = LoadBlock(fd, backing, name);
    CloseFd(fd);
    fd = -1;
    return block;
  }
};

class LoadWorker : public Napi::AsyncWorker {
 public:
  LoadWorker(Napi::Env env, LoadArgs args)
      : Napi::AsyncWorker(env, "memfile.fromFile"), deferred_(Napi::Promise::Deferred::New(env)), args_(std::move(args)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    error_ = Catch([&] { block_ = args_.Run(); });
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (error_) deferred_.Reject(MakeError(env, *error_).Value());
    else deferred_.Resolve(LoadedToken(env, std::move(block_)));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  LoadArgs args_;
  std::unique_ptr<Block> block_;  // freed with the worker if never handed over
  std::optional<SysError> error_;
};

// loadFile(source: string | fd, backing: 0|1|2, name, async) -> token | Promise<token>
Napi::Value LoadFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  LoadArgs args;
  int kind = info[1].As<Napi::Number>().Int32Value();
  args.backing = kind == 0 ? Backing::Memfd : kind == 1 ? Backing::Shm : Backing::Heap;
  args.name = info[2].As<Napi::String>().Utf8Value();
  bool async = info[3].ToBoolean().Value();
  std::optional<SysError> error;
  if (info[0].IsNumber()) {
    error = Catch([&] { args.fd = DupCloexec(info[0].As<Napi::Number>().Int32Value()); });
  } else {
    args.path = info[0].As<Napi::String>().Utf8Value();
  }
  if (async) {
    auto* worker = new LoadWorker(env, std::move(args));
    Napi::Promise promise = worker->Promise();
    if (error) {
      // fcntl(F_DUPFD) failed (EBADF): settle the same way as a failure on the pool.
      Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
      d.Reject(MakeError(env, *error).Value());
      delete worker;
      return d.Promise();
    }
    worker->Queue();
    return promise;
  }
  if (error) throw MakeError(env, *error);
  std::unique_ptr<Block> block;
  error = Catch([&] { block = args.Run(); });
  if (error) throw MakeError(env, *error);
  return LoadedToken(env, std::move(block));
}

// Where a save goes: a path opened on the worker, or our dup of the caller's fd
// (same open file description: the same position and O_APPEND).
struct SaveArgs {
  std::string path;
  int fd = -1;
  int flags = 0;
  unsigned mode = 0666;

  SaveArgs() = default;
  SaveArgs(const SaveArgs&) = delete;
  SaveArgs& operator=(const SaveArgs&) = delete;
  SaveArgs(SaveArgs&& o) noexcept : path(std::move(o.path)), fd(o.fd), flags(o.flags), mode(o.mode) { o.fd = -1; }
  ~SaveArgs() { CloseFd(fd); }

  uint64_t Run(const SaveSource& source) {
    if (fd < 0) return SavePath(source, path, flags, mode);
    uint64_t n = source.WriteTo(fd);
    CloseFd(fd);
    fd = -1;
    return n;
  }
};

class SaveWorker : public Napi::AsyncWorker {
 public:
  SaveWorker(Napi::Env env, std::unique_ptr<SaveSource> source, SaveArgs args)
      : Napi::AsyncWorker(env, "memfile.saveTo"),
        deferred_(Napi::Promise::Deferred::New(env)),
        source_(std::move(source)),
        args_(std::move(args)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    error_ = Catch([&] { written_ = args_.Run(*source_); });
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (error_) deferred_.Reject(MakeError(env, *error_).Value());
    else deferred_.Resolve(Napi::Number::New(env, static_cast<double>(written_)));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::unique_ptr<SaveSource> source_;  // released on the JS thread with the worker (Unpin)
  SaveArgs args_;
  uint64_t written_ = 0;
  std::optional<SysError> error_;
};

// saveFile(sourceToken, target: string | fd, flags, mode, async) -> bytes | Promise<bytes>
Napi::Value SaveFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::unique_ptr<SaveSource>* holder = SourceOf(env, info[0]);
  if (!*holder) throw Napi::Error::New(env, "save source already used");
  std::unique_ptr<SaveSource> source = std::move(*holder);
  SaveArgs args;
  args.flags = info[2].As<Napi::Number>().Int32Value();
  args.mode = info[3].As<Napi::Number>().Uint32Value();
  bool async = info[4].ToBoolean().Value();
  std::optional<SysError> error;
  if (info[1].IsNumber()) {
    error = Catch([&] { args.fd = DupCloexec(info[1].As<Napi::Number>().Int32Value()); });
  } else {
    args.path = info[1].As<Napi::String>().Utf8Value();
  }
  if (async) {
    Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
    if (error) {
      d.Reject(MakeError(env, *error).Value());
      return d.Promise();
    }
    auto* worker = new SaveWorker(env, std::move(source), std::move(args));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }
  if (error) throw MakeError(env, *error);
  uint64_t n = 0;
  error = Catch([&] { n = args.Run(*source); });
  if (error) throw MakeError(env, *error);
  return Napi::Number::New(env, static_cast<double>(n));
}

}  // namespace

std::unique_ptr<Block> TakeLoadedBlock(Napi::Env env, const Napi::Value& token) {
  if (!token.IsExternal() || !token.As<Napi::External<Loaded>>().CheckTypeTag(&kLoadedTag)) {
    throw Napi::TypeError::New(env, "expected a loaded-file token");
  }
  Loaded* loaded = token.As<Napi::External<Loaded>>().Data();
  if (!loaded->block) throw Napi::Error::New(env, "loaded-file token already used");
  return std::move(loaded->block);
}

Napi::Value MakeSaveSource(Napi::Env env, Block& block) {
  std::unique_ptr<SaveSource> source;
  std::optional<SysError> error = Catch([&] { source = std::make_unique<SaveSource>(block); });
  if (error) throw MakeError(env, *error);
  auto token = Napi::External<std::unique_ptr<SaveSource>>::New(
      env, new std::unique_ptr<SaveSource>(std::move(source)),
      [](Napi::Env, std::unique_ptr<SaveSource>* s) { delete s; });
  token.TypeTag(&kSourceTag);
  return token;
}

void InitFileIo(Napi::Env env, Napi::Object exports) {
  exports.Set("loadFile", Napi::Function::New(env, LoadFile, "loadFile"));
  exports.Set("saveFile", Napi::Function::New(env, SaveFile, "saveFile"));
}

}  // namespace memfile
