#!/usr/bin/env bash
# Sanitizer runs (not part of `npm test`):
#   npm run test:asan       the whole test suite against an ASan + UBSan build
#   npm run test:valgrind   scripts/valgrind-smoke.js under valgrind memcheck
#
# ASan: `npm run build:asan` builds build/asan/build/Release/memfile.node with
# -fsanitize=address,undefined (CMakeLists.txt). node itself is not
# instrumented, so the ASan runtime must be loaded first: LD_PRELOAD=libasan.so
# of the same gcc. MEMFILE_PREBUILD=build/asan makes node-gyp-build load that
# binary instead of build/Release (the children the tests spawn inherit all of
# this). Options:
#   detect_leaks=0        LeakSanitizer would report everything node/V8 keep
#                         until exit (isolate, ICU, code space) - not ours, and
#                         unsuppressible in bulk; leaks are tested by
#                         test/reliability-leaks.test.ts and memfile-lifecycle.
#   handle_sigbus=0, allow_user_segv_handler=1
#                         a peer shrinking the file makes our own mapping raise
#                         SIGBUS, which native/sigbus.cc handles by design; ASan
#                         must leave that signal to it.
#   handle_segv=0         V8 uses SIGSEGV internally (trap handlers).
#   allocator_may_return_null=1
#                         a heap block asked for 2^52 bytes must get NULL from
#                         calloc and report ENOMEM (test/reliability-inputs),
#                         not abort inside ASan.
#   halt_on_error / abort_on_error, and UBSan's halt_on_error: the first report
#                         kills the process, so the suite fails; reports also go
#                         to $REPORTS and any file there fails this script.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--valgrind" ]]; then
  npm run build:ts >/dev/null
  # --undef-value-errors=no: V8's JIT and GC read uninitialised words on purpose
  # (conservative stack scanning); memcheck's invalid read/write, free and
  # mmap checks are what matter for the addon.
  exec valgrind --error-exitcode=1 --leak-check=no --undef-value-errors=no \
    --suppressions=scripts/valgrind.supp -q node --expose-gc scripts/valgrind-smoke.js
fi

[[ -f build/asan/build/Release/memfile.node && "${MEMFILE_ASAN_REBUILD:-1}" == "0" ]] || npm run build:asan
# The examples the suite runs load the package entry (dist/), as `npm test`'s pretest builds it.
npm run build:ts >/dev/null
LIBASAN="$(gcc -print-file-name=libasan.so)"
[[ -f "$LIBASAN" ]] || { echo "libasan.so not found (gcc -print-file-name=libasan.so)"; exit 1; }
REPORTS="$(mktemp -d)"
trap 'rm -rf "$REPORTS"' EXIT

export MEMFILE_PREBUILD="$PWD/build/asan"
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:handle_sigbus=0:allow_user_segv_handler=1:handle_segv=0:halt_on_error=1:abort_on_error=1:log_path=$REPORTS/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$REPORTS/ubsan"

# Check the sanitized binary is the one loaded.
LD_PRELOAD="$LIBASAN" node -e "
  const p = require('node-gyp-build').resolve('.');
  if (!p.includes('build/asan')) { console.error('not the ASan build: ' + p); process.exit(1); }
  console.log('ASan build: ' + p);"

status=0
# Every suite but package.test.ts, which installs packed tarballs and checks
# which binary they load (MEMFILE_PREBUILD would point them here). RSS-based
# leak bounds widen under ASan (its quarantine holds freed memory):
# MEMFILE_SANITIZER tells test/reliability-leaks.test.ts.
export MEMFILE_SANITIZER=asan
LD_PRELOAD="$LIBASAN" node scripts/run-tests.js "${1:-^(?!package\\.).*\\.test\\.ts\$}" || status=$?
# Reports are ERROR (ASan) or "runtime error" (UBSan) lines; the log files can
# also hold warnings, e.g. "failed to allocate" for the huge-allocation cases.
if compgen -G "$REPORTS/*" >/dev/null && grep -lE 'ERROR: |runtime error:' "$REPORTS"/* >/dev/null; then
  echo "sanitizer reports:"; grep -hE -A30 'ERROR: |runtime error:' "$REPORTS"/*; exit 1
fi
if compgen -G "$REPORTS/*" >/dev/null; then
  echo "sanitizer warnings (not failures):"; sort "$REPORTS"/* | uniq -c | sed 's/^/  /' | head -20
fi
echo "sanitizers: no reports"
exit $status
