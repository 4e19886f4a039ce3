// How this binary was built, for Daemon.Status and the CLI.
#ifndef BPFWARDEN_DAEMON_BASE_BUILD_INFO_H_
#define BPFWARDEN_DAEMON_BASE_BUILD_INFO_H_

namespace bpfwarden {

// Bazel's compilation mode: "opt" (what tools/run and tools/install ship),
// "fastbuild" (Bazel's default, -O0) or "dbg".
const char* BuildMode();

// Whether the compiler optimized this code (-O1 or more), whatever the mode.
bool BuildOptimized();

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_BUILD_INFO_H_
