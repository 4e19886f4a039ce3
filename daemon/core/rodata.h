// Setting read-only globals (.rodata) of an opened, not yet loaded object by
// name, with the value checked against the variable's BTF type and size.
#ifndef BPFWARDEN_DAEMON_CORE_RODATA_H_
#define BPFWARDEN_DAEMON_CORE_RODATA_H_

#include <bpf/libbpf.h>

#include "absl/status/status.h"
#include "bpfwarden/v1/config.pb.h"

namespace bpfwarden {

// InvalidArgument for an unknown name, a variable outside .rodata, a value
// of the wrong kind (int for a struct, say), out of range for the
// variable's integer size, or raw bytes of the wrong length.
absl::Status SetRodataGlobal(bpf_object* obj, const v1::GlobalValue& value);

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_CORE_RODATA_H_
