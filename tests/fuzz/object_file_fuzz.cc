// The ELF pre-checks run on objects ADMINs upload, before libbpf sees them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/core/object_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bpfwarden::ObjectInput input{
      "fuzz.o", std::string(reinterpret_cast<const char*>(data), size)};
  (void)bpfwarden::CheckBpfElf(input);
  return 0;
}
