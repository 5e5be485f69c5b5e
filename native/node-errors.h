// SysError (errors.h) as a Node-style Error: code, errno, syscall — for every
// N-API glue file.
#pragma once
#include <napi.h>
#include <uv.h>

#include <string>

#include "errors.h"

namespace memfile {

inline Napi::Error MakeError(Napi::Env env, const SysError& e) {
  const char* code = uv_err_name(-e.err);
  std::string detail = e.message.empty() ? uv_strerror(-e.err) : e.message;
  std::string text = std::string(code) + ": " + detail + ", " + e.syscall;
  Napi::Error error = Napi::Error::New(env, text);
  error.Set("code", Napi::String::New(env, code));
  error.Set("errno", Napi::Number::New(env, -e.err));
  error.Set("syscall", Napi::String::New(env, e.syscall));
  return error;
}

}  // namespace memfile
