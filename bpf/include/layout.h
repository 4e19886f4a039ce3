// Compile-time checks on map layouts, usable from the BPF C side and the
// C++ side alike: both compile the same structs, so a size mismatch fails
// the build of whichever side drifted.
#ifndef BPFWARDEN_BPF_INCLUDE_LAYOUT_H_
#define BPFWARDEN_BPF_INCLUDE_LAYOUT_H_

#ifdef __cplusplus
#define BPFWARDEN_LAYOUT_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define BPFWARDEN_LAYOUT_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#endif  // BPFWARDEN_BPF_INCLUDE_LAYOUT_H_
