// The one error type of the core: an errno and the syscall that produced it.
// binding.cc turns it into a Node-style Error (code, errno, syscall).
#pragma once
#include <string>

namespace memfile {

struct SysError {
  int err;
  const char* syscall;
  std::string message;  // optional detail; empty means strerror(err)
};

[[noreturn]] inline void Throw(int err, const char* syscall, std::string message = {}) {
  throw SysError{err, syscall, std::move(message)};
}

}  // namespace memfile
