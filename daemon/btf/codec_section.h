// A variable of a DATASEC codec (internal to daemon/btf): shared by the
// section's codec (codec_section.cc) and the text decoder.
#ifndef BPFWARDEN_DAEMON_BTF_CODEC_SECTION_H_
#define BPFWARDEN_DAEMON_BTF_CODEC_SECTION_H_

#include <cstdint>
#include <string>

#include "daemon/btf/codec.h"

namespace bpfwarden {

struct TypeCodec::SectionVar {
  std::string name;
  std::string key;  // "\"name\":"
  uint32_t offset = 0;
  TypeCodec codec;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BTF_CODEC_SECTION_H_
