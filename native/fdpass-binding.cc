// N-API glue for fd passing: libuv poll handles drive the nonblocking socket
// calls of fdpass.cc, so nothing here ever blocks the event loop.
//
//   new FdServer(path, onEvent)  binds and listens at once (throws EADDRINUSE);
//     onEvent(kind, error, fd, message, pid, uid, gid) with kind
//     0 = a file arrived (fd is ours to adopt and close), 1 = a connection was
//     dropped (its fds are closed already), 2 = the server failed ('error').
//     Methods: close(), ref(), unref(), setTimeout(ms).
//   sendFd(path, fd, message, done)  done(error | null); throws at once when
//     the connect fails at once (ENOENT, ECONNREFUSED).
//
// Every object with uv handles is an Owner registered in the per-env State;
// an async cleanup hook closes them all when a worker or the process ends.
// POSIX only; Windows' InitFdPass (which reports ENOTSUP) is in platform-win32.cc.
#if !defined(_WIN32)

#include "fdpass-binding.h"

#include <uv.h>

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "errors.h"
#include "fdpass.h"
#include "node-errors.h"

namespace memfile {

namespace {

constexpr int kBacklog = 511;                  // as Node's net.Server
constexpr uint64_t kDefaultTimeoutMs = 10000;  // a connection must deliver within this
constexpr uint64_t kAcceptBackoffMs = 100;     // after EMFILE & co, before accepting again
constexpr uint64_t kSendTimeoutMs = 10000;     // connect retries (full backlog) + writing
constexpr int kMaxAcceptsPerWakeup = 64;       // let other work run between bursts

enum EventKind { kFile = 0, kDrop = 1, kError = 2 };

// Calling JavaScript from a libuv callback. Raw N-API with every status
// checked: while a worker is being terminated JavaScript cannot run, and
// node-addon-api's wrappers would abort the process (Error::Fatal) there.
// Any failure skips the call; an exception the callback throws becomes
// 'uncaughtException', as for any event listener.
class JsCall {
 public:
  explicit JsCall(napi_env env) : env_(env) {
    if (napi_open_handle_scope(env_, &scope_) != napi_ok) scope_ = nullptr;
    ok_ = scope_ != nullptr;
  }
  ~JsCall() {
    if (scope_ != nullptr) napi_close_handle_scope(env_, scope_);
  }
  JsCall& Number(double v) {
    napi_value out = nullptr;
    bool made = ok_ && napi_create_double(env_, v, &out) == napi_ok;
    Push(made, out);
    return *this;
  }
  JsCall& Null() {
    napi_value out = nullptr;
    bool made = ok_ && napi_get_null(env_, &out) == napi_ok;
    Push(made, out);
    return *this;
  }
  JsCall& Undefined() {
    napi_value out = nullptr;
    bool made = ok_ && napi_get_undefined(env_, &out) == napi_ok;
    Push(made, out);
    return *this;
  }
  JsCall& Bytes(const uint8_t* data, size_t length) {
    napi_value out = nullptr;
    void* copy = nullptr;
    bool made = ok_ && napi_create_buffer_copy(env_, length, data, &copy, &out) == napi_ok;
    Push(made, out);
    return *this;
  }
  // Error with code, errno and syscall, like MakeError (node-errors.h).
  JsCall& Error(const SysError* e) {
    if (e == nullptr) return Null();
    std::string text = std::string(uv_err_name(-e->err)) + ": " +
                       (e->message.empty() ? uv_strerror(-e->err) : e->message) + ", " + e->syscall;
    napi_value code = nullptr, message = nullptr, error = nullptr, errnum = nullptr, syscall = nullptr;
    bool ok = ok_ && napi_create_string_utf8(env_, uv_err_name(-e->err), NAPI_AUTO_LENGTH, &code) == napi_ok &&
              napi_create_string_utf8(env_, text.c_str(), text.size(), &message) == napi_ok &&
              napi_create_error(env_, code, message, &error) == napi_ok &&
              napi_create_int32(env_, -e->err, &errnum) == napi_ok &&
              napi_set_named_property(env_, error, "errno", errnum) == napi_ok &&
              napi_create_string_utf8(env_, e->syscall, NAPI_AUTO_LENGTH, &syscall) == napi_ok &&
              napi_set_named_property(env_, error, "syscall", syscall) == napi_ok;
    Push(ok, error);
    return *this;
  }
  // True when the function ran (and so took what it was given).
  bool Call(napi_ref fn_ref, napi_async_context context) {
    napi_value fn = nullptr, global = nullptr, result = nullptr;
    if (!ok_ || napi_get_reference_value(env_, fn_ref, &fn) != napi_ok || fn == nullptr ||
        napi_get_global(env_, &global) != napi_ok) {
      return false;
    }
    napi_status status = napi_make_callback(env_, context, global, fn, args_.size(), args_.data(), &result);
    if (status == napi_ok) return true;
    // A real exception means the function ran and threw; none means it
    // never ran (JavaScript is stopping).
    napi_value exception = nullptr;
    napi_valuetype type = napi_undefined;
    if (status == napi_pending_exception && napi_get_and_clear_last_exception(env_, &exception) == napi_ok &&
        exception != nullptr && napi_typeof(env_, exception, &type) == napi_ok && type != napi_undefined) {
      napi_fatal_exception(env_, exception);
      return true;
    }
    return false;
  }

 private:
  void Push(bool ok, napi_value v) {
    ok_ = ok && v != nullptr;
    args_.push_back(v);
  }
  napi_env env_;
  napi_handle_scope scope_ = nullptr;
  bool ok_ = false;
  std::vector<napi_value> args_;
};

class Owner;

struct State {
  napi_env env = nullptr;
  uv_loop_t* loop = nullptr;
  std::unordered_set<Owner*> owners;
  napi_async_cleanup_hook_handle hook = nullptr;
  bool tearing_down = false;
};

// Something with uv handles. It deletes itself once Finish() was called and
// every handle it closed has reported back.
class Owner {
 public:
  explicit Owner(State* st) : st_(st) { st_->owners.insert(this); }
  virtual ~Owner() = default;
  // The env is going away: close everything, call no JavaScript.
  virtual void Teardown() = 0;

 protected:
  template <typename H>
  void Track(H* handle) {
    reinterpret_cast<uv_handle_t*>(handle)->data = this;
    open_++;
  }
  void CloseHandle(uv_handle_t* h) {
    if (!uv_is_closing(h)) uv_close(h, OnClosed);
  }
  void Finish() {
    finished_ = true;
    MaybeDelete();
  }
  bool finished() const { return finished_; }
  State* st_;

 private:
  static void OnClosed(uv_handle_t* h) {
    auto* self = static_cast<Owner*>(h->data);
    self->open_--;
    self->MaybeDelete();
  }
  void MaybeDelete() {
    if (!finished_ || open_ != 0) return;
    State* st = st_;
    st->owners.erase(this);
    {
      JsCall scope(st->env);  // a handle scope: references and async contexts go here
      delete this;
    }
    if (st->tearing_down && st->owners.empty() && st->hook != nullptr) {
      napi_async_cleanup_hook_handle hook = st->hook;
      st->hook = nullptr;
      napi_remove_async_cleanup_hook(hook);
      delete st;
    }
  }
  int open_ = 0;
  bool finished_ = false;
};

class Server;

// One accepted connection, read until EOF, an oversized message or the timeout.
class Conn : public Owner {
 public:
  Conn(State* st, Server* server, int fd, uint64_t timeout_ms, bool referenced);
  void Abandon();  // close everything, report nothing
  void Teardown() override { Abandon(); }

 private:
  static void OnReadable(uv_poll_t* poll, int status, int events);
  static void OnTimeout(uv_timer_t* timer);
  void Read();
  void End(const SysError* error);
  void Stop();

  Server* server_;
  int fd_;
  fdpass::Peer peer_;
  fdpass::Incoming in_;
  uv_poll_t poll_;
  uv_timer_t timer_;
};

class Server : public Owner {
 public:
  Server(State* st, std::string path, fdpass::Listener listener, Napi::Function callback)
      : Owner(st), path_(std::move(path)), listener_(listener) {
    callback_ = Napi::Persistent(callback);
    context_ = std::make_unique<Napi::AsyncContext>(st->env, "MemFileServer");
    uv_poll_init(st->loop, &poll_, listener_.fd);
    Track(&poll_);
    uv_timer_init(st->loop, &backoff_);
    Track(&backoff_);
    uv_poll_start(&poll_, UV_READABLE, OnReadable);
  }

  void Close() {
    if (finished()) return;
    CloseHandle(reinterpret_cast<uv_handle_t*>(&poll_));
    CloseHandle(reinterpret_cast<uv_handle_t*>(&backoff_));
    fdpass::UnlinkIfOurs(path_, listener_);
    fdpass::CloseQuietly(listener_.fd);
    listener_.fd = -1;
    std::vector<Conn*> conns(conns_.begin(), conns_.end());
    conns_.clear();
    for (Conn* c : conns) c->Abandon();
    // callback_ and context_ go with this object, once its handles are
    // closed: close() may be running inside that very callback.
    Finish();
  }
  void Teardown() override { Close(); }

  void SetRef(bool on) {
    referenced_ = on;
    for (auto* h : {reinterpret_cast<uv_handle_t*>(&poll_), reinterpret_cast<uv_handle_t*>(&backoff_)}) {
      if (on) uv_ref(h); else uv_unref(h);
    }
  }
  void SetTimeout(uint64_t ms) { timeout_ms_ = ms; }

  void Forget(Conn* c) { conns_.erase(c); }
  // A connection ended: hand its fd (or the reason it was dropped) to JS.
  void Report(EventKind kind, const SysError* error, int fd, const fdpass::Incoming& in, const fdpass::Peer& peer) {
    if (finished() || st_->tearing_down) {
      fdpass::CloseQuietly(fd);
      return;
    }
    JsCall call(st_->env);
    call.Number(kind).Error(error).Number(fd);
    if (kind == kError) {
      call.Undefined();
    } else {
      call.Bytes(in.buffer.data(), std::min(in.length, in.buffer.size()));
    }
    call.Number(static_cast<double>(peer.pid)).Number(static_cast<double>(peer.uid));
    call.Number(static_cast<double>(peer.gid));
    // JavaScript owns fd once it ran; if it could not run, the fd is still ours.
    if (!call.Call(callback_, *context_) && kind == kFile) fdpass::CloseQuietly(fd);
  }

 private:
  static void OnReadable(uv_poll_t* poll, int status, int /*events*/) {
    auto* self = static_cast<Server*>(poll->data);
    if (status < 0) {
      self->Fail(SysError{-status, "accept", {}});
      return;
    }
    self->AcceptSome();
  }
  static void OnBackoff(uv_timer_t* timer) {
    auto* self = static_cast<Server*>(timer->data);
    if (!self->finished()) uv_poll_start(&self->poll_, UV_READABLE, OnReadable);
  }

  void AcceptSome() {
    for (int i = 0; i < kMaxAcceptsPerWakeup && !finished(); i++) {
      int fd;
      try {
        fd = fdpass::Accept(listener_.fd);
      } catch (const SysError& e) {
        // Out of fds or memory: the connection waits in the backlog; try
        // again a little later instead of spinning on a readable socket.
        uv_poll_stop(&poll_);
        uv_timer_start(&backoff_, OnBackoff, kAcceptBackoffMs, 0);
        Fail(e);
        return;
      }
      if (fd < 0) return;
      conns_.insert(new Conn(st_, this, fd, timeout_ms_, referenced_));
    }
  }

  void Fail(const SysError& e) {
    fdpass::Incoming none;
    Report(kError, &e, -1, none, fdpass::Peer{});
  }

  std::string path_;
  fdpass::Listener listener_;
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> context_;
  uv_poll_t poll_;
  uv_timer_t backoff_;
  uint64_t timeout_ms_ = kDefaultTimeoutMs;
  bool referenced_ = true;
  std::unordered_set<Conn*> conns_;
};

Conn::Conn(State* st, Server* server, int fd, uint64_t timeout_ms, bool referenced)
    : Owner(st), server_(server), fd_(fd), peer_(fdpass::PeerOf(fd)) {
  uv_poll_init(st->loop, &poll_, fd_);
  Track(&poll_);
  uv_timer_init(st->loop, &timer_);
  Track(&timer_);
  if (!referenced) {
    uv_unref(reinterpret_cast<uv_handle_t*>(&poll_));
    uv_unref(reinterpret_cast<uv_handle_t*>(&timer_));
  }
  uv_poll_start(&poll_, UV_READABLE | UV_DISCONNECT, OnReadable);
  if (timeout_ms > 0) uv_timer_start(&timer_, OnTimeout, timeout_ms, 0);
}

void Conn::OnReadable(uv_poll_t* poll, int status, int /*events*/) {
  auto* self = static_cast<Conn*>(poll->data);
  if (status < 0) {
    SysError e{-status, "recvmsg", {}};
    self->End(&e);
    return;
  }
  self->Read();
}

void Conn::OnTimeout(uv_timer_t* timer) {
  auto* self = static_cast<Conn*>(timer->data);
  SysError e{ETIMEDOUT, "recvmsg", "the sender did not finish within the server's timeout"};
  self->End(&e);
}

void Conn::Read() {
  fdpass::ReadState state;
  try {
    state = fdpass::ReadSome(fd_, &in_);
  } catch (const SysError& e) {
    End(&e);
    return;
  }
  if (state == fdpass::ReadState::Again) return;
  if (state == fdpass::ReadState::Oversize) {
    SysError e{EMSGSIZE, "recvmsg", "message longer than 65536 bytes"};
    End(&e);
    return;
  }
  End(nullptr);
}

void Conn::Stop() {
  CloseHandle(reinterpret_cast<uv_handle_t*>(&poll_));
  CloseHandle(reinterpret_cast<uv_handle_t*>(&timer_));
  fdpass::CloseQuietly(fd_);
  fd_ = -1;
  Finish();
}

void Conn::Abandon() {
  if (finished()) return;
  for (int fd : in_.fds) fdpass::CloseQuietly(fd);
  in_.fds.clear();
  Stop();
}

// The sender closed (error == nullptr) or the connection failed. Exactly one
// fd and at least one byte is a file; anything else is dropped, fds closed.
void Conn::End(const SysError* error) {
  if (finished()) return;
  Server* server = server_;
  server->Forget(this);
  SysError problem{0, "recvmsg", {}};
  if (error != nullptr) {
    problem = *error;
  } else if (in_.fds_truncated || in_.fds.size() > 1) {
    problem = SysError{EPROTO, "recvmsg", "the connection carried more than one file descriptor"};
  } else if (in_.fds.empty()) {
    problem = SysError{EPROTO, "recvmsg", "the connection carried no file descriptor"};
  }
  int fd = -1;
  if (problem.err == 0) {
    fd = in_.fds[0];
  } else {
    for (int f : in_.fds) fdpass::CloseQuietly(f);
  }
  in_.fds.clear();
  fdpass::Incoming in = std::move(in_);
  fdpass::Peer peer = peer_;
  Stop();  // `this` may be deleted from here on
  if (problem.err == 0) {
    server->Report(kFile, nullptr, fd, in, peer);
  } else {
    server->Report(kDrop, &problem, -1, in, peer);
  }
}

// One send: connect (retrying a full backlog), then write the message with
// the fd attached to its first bytes, then close.
class Sender : public Owner {
 public:
  Sender(State* st, std::string path, int file_fd, std::vector<uint8_t> message, Napi::Function done)
      : Owner(st), path_(std::move(path)), file_fd_(file_fd), message_(std::move(message)) {
    uv_timer_init(st->loop, &retry_);
    Track(&retry_);
    uv_timer_init(st->loop, &deadline_);
    Track(&deadline_);
    done_ = Napi::Persistent(done);
    context_ = std::make_unique<Napi::AsyncContext>(st->env, "MemFileSend");
  }

  // Throws SysError when the first connect fails for good (ENOENT,
  // ECONNREFUSED); this object has then finished itself.
  void Start() {
    uv_timer_start(&deadline_, OnDeadline, kSendTimeoutMs, 0);
    try {
      TryConnect();
    } catch (...) {
      Abort();
      throw;
    }
  }

  void Teardown() override { Abort(); }

 private:
  void TryConnect() {
    bool pending = false;
    try {
      sock_ = fdpass::Connect(path_, &pending);
    } catch (const SysError& e) {
      if (e.err != EAGAIN && e.err != EWOULDBLOCK) throw;
      // A full backlog: the listener is alive but busy. Try again shortly.
      retry_ms_ = retry_ms_ == 0 ? 1 : std::min<uint64_t>(retry_ms_ * 2, 50);
      uv_timer_start(&retry_, OnRetry, retry_ms_, 0);
      return;
    }
    connecting_ = pending;
    uv_poll_init(st_->loop, &poll_, sock_);
    Track(&poll_);
    polling_ = true;
    uv_poll_start(&poll_, UV_WRITABLE, OnWritable);
  }

  static void OnRetry(uv_timer_t* timer) {
    auto* self = static_cast<Sender*>(timer->data);
    try {
      self->TryConnect();
    } catch (const SysError& e) {
      self->Done(&e);
    }
  }

  static void OnDeadline(uv_timer_t* timer) {
    auto* self = static_cast<Sender*>(timer->data);
    SysError e{self->sock_ < 0 ? EAGAIN : ETIMEDOUT, self->sock_ < 0 ? "connect" : "sendmsg",
               self->sock_ < 0 ? "the listener's backlog stayed full" : "the receiver stopped reading"};
    self->Done(&e);
  }

  static void OnWritable(uv_poll_t* poll, int status, int /*events*/) {
    auto* self = static_cast<Sender*>(poll->data);
    if (status < 0) {
      SysError e{-status, self->connecting_ ? "connect" : "sendmsg", {}};
      self->Done(&e);
      return;
    }
    if (self->connecting_) {
      int err = fdpass::ConnectResult(self->sock_);
      if (err != 0) {
        SysError e{err, "connect", {}};
        self->Done(&e);
        return;
      }
      self->connecting_ = false;
    }
    try {
      while (self->sent_ < self->message_.size()) {
        size_t n = fdpass::SendSome(self->sock_, self->message_.data(), self->message_.size(), self->sent_,
                                    self->file_fd_);
        if (n == 0) return;  // wait for writable again
        self->sent_ += n;
      }
    } catch (const SysError& e) {
      self->Done(&e);
      return;
    }
    self->Done(nullptr);
  }

  void Release() {
    if (polling_) CloseHandle(reinterpret_cast<uv_handle_t*>(&poll_));
    CloseHandle(reinterpret_cast<uv_handle_t*>(&retry_));
    CloseHandle(reinterpret_cast<uv_handle_t*>(&deadline_));
    fdpass::CloseQuietly(sock_);
    sock_ = -1;
    fdpass::CloseQuietly(file_fd_);  // the kernel holds the file for the receiver
    file_fd_ = -1;
  }

  void Abort() {
    if (finished()) return;
    Release();
    Finish();
  }

  void Done(const SysError* error) {
    if (finished()) return;
    Release();
    if (!st_->tearing_down) {
      JsCall(st_->env).Error(error).Call(done_, *context_);
    }
    Finish();
  }

  std::string path_;
  int file_fd_;
  int sock_ = -1;
  std::vector<uint8_t> message_;
  size_t sent_ = 0;
  bool connecting_ = false;
  bool polling_ = false;
  uint64_t retry_ms_ = 0;
  uv_poll_t poll_;
  uv_timer_t retry_;
  uv_timer_t deadline_;
  Napi::FunctionReference done_;
  std::unique_ptr<Napi::AsyncContext> context_;
};

// ---- JavaScript surface -------------------------------------------------------

class FdServerWrap : public Napi::ObjectWrap<FdServerWrap> {
 public:
  static Napi::Function Init(Napi::Env env, State* st) {
    return DefineClass(env, "FdServer",
                       {
                           InstanceMethod<&FdServerWrap::Close>("close"),
                           InstanceMethod<&FdServerWrap::Ref>("ref"),
                           InstanceMethod<&FdServerWrap::Unref>("unref"),
                           InstanceMethod<&FdServerWrap::SetTimeout>("setTimeout"),
                       },
                       st);
  }

  // new FdServer(path, onEvent)
  explicit FdServerWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<FdServerWrap>(info) {
    Napi::Env env = info.Env();
    auto* st = static_cast<State*>(info.Data());
    std::string path = info[0].As<Napi::String>().Utf8Value();
    Napi::Function callback = info[1].As<Napi::Function>();
    fdpass::Listener listener;
    try {
      listener = fdpass::Listen(path, kBacklog);
    } catch (const SysError& e) {
      throw MakeError(env, e);
    }
    server_ = new Server(st, path, listener, callback);
  }

 private:
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Server* server = server_;
    server_ = nullptr;  // the Server deletes itself once its handles are closed
    if (server != nullptr) server->Close();
    return info.Env().Undefined();
  }
  Napi::Value Ref(const Napi::CallbackInfo& info) {
    if (server_ != nullptr) server_->SetRef(true);
    return info.Env().Undefined();
  }
  Napi::Value Unref(const Napi::CallbackInfo& info) {
    if (server_ != nullptr) server_->SetRef(false);
    return info.Env().Undefined();
  }
  Napi::Value SetTimeout(const Napi::CallbackInfo& info) {
    double ms = info[0].As<Napi::Number>().DoubleValue();
    if (server_ != nullptr) server_->SetTimeout(ms > 0 ? static_cast<uint64_t>(ms) : 0);
    return info.Env().Undefined();
  }

  // Not owned: a listening Server is kept alive by its open handles and its
  // callback keeps this wrapper's JavaScript owner reachable.
  Server* server_ = nullptr;
};

// sendFd(path, fd, message, done)
Napi::Value SendFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* st = static_cast<State*>(info.Data());
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int fd = info[1].As<Napi::Number>().Int32Value();
  Napi::Uint8Array bytes = info[2].As<Napi::Uint8Array>();
  std::vector<uint8_t> message(bytes.Data(), bytes.Data() + bytes.ByteLength());
  Napi::Function done = info[3].As<Napi::Function>();
  int own;
  try {
    own = fdpass::Reopen(fd);
  } catch (const SysError& e) {
    throw MakeError(env, e);
  }
  auto* sender = new Sender(st, std::move(path), own, std::move(message), done);
  try {
    sender->Start();
  } catch (const SysError& e) {
    throw MakeError(env, e);
  }
  return env.Undefined();
}

void OnTeardown(napi_async_cleanup_hook_handle handle, void* arg) {
  auto* st = static_cast<State*>(arg);
  st->tearing_down = true;
  if (st->owners.empty()) {
    napi_remove_async_cleanup_hook(handle);
    st->hook = nullptr;
    delete st;
    return;
  }
  std::vector<Owner*> owners(st->owners.begin(), st->owners.end());
  for (Owner* o : owners) {
    if (st->owners.count(o) != 0) o->Teardown();
  }
}

}  // namespace

void InitFdPass(Napi::Env env, Napi::Object exports) {
  auto* st = new State();
  st->env = env;
  if (napi_get_uv_event_loop(env, &st->loop) != napi_ok) {
    delete st;
    throw Napi::Error::New(env, "memfile: no libuv loop");
  }
  napi_add_async_cleanup_hook(env, OnTeardown, st, &st->hook);
  exports.Set("FdServer", FdServerWrap::Init(env, st));
  exports.Set("sendFd", Napi::Function::New(env, SendFd, "sendFd", st));
}

}  // namespace memfile

#endif  // !_WIN32
