// N-API glue for fd passing (native/fdpass-binding.cc): exports FdServer and
// sendFd, both driven by libuv polls on nonblocking sockets.
#pragma once
#include <napi.h>

namespace memfile {

void InitFdPass(Napi::Env env, Napi::Object exports);

}  // namespace memfile
