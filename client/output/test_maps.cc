#include "client/output/test_maps.h"

#include <bpf/btf.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/btf/btf_types.h"
#include "daemon/btf/codec.h"
#include "daemon/btf/type_layout.h"

namespace bpfwarden::cli::output::testing {
namespace {

// The fixtures are fixed: a failure is a bug in them, so it aborts.
void Check(const absl::Status& status) {
  if (status.ok()) return;
  std::fprintf(stderr, "test_maps: %s\n", status.ToString().c_str());
  std::abort();
}

struct Types {
  std::shared_ptr<const BtfTypes> btf;
  int conn_key, conn_value, u32, hits, data_section;
};

Types BuildTypes() {
  BtfPtr b(btf__new_empty());
  btf* raw = b.get();
  const int u8 = btf__add_int(raw, "unsigned char", 1, 0);
  const int u16 = btf__add_int(raw, "unsigned short", 2, 0);
  const int u32 = btf__add_int(raw, "unsigned int", 4, 0);
  const int s32 = btf__add_int(raw, "int", 4, BTF_INT_SIGNED);
  const int u64 = btf__add_int(raw, "unsigned long long", 8, 0);
  const int chr = btf__add_int(raw, "char", 1, BTF_INT_SIGNED);
  const int index = u32;
  const int addr16 = btf__add_array(raw, index, u8, 16);
  const int u32x4 = btf__add_array(raw, index, u32, 4);
  const int char8 = btf__add_array(raw, index, chr, 8);

  const int direction = btf__add_enum(raw, "conn_direction", 1);
  btf__add_enum_value(raw, "CONN_INITIATED", 1);
  btf__add_enum_value(raw, "CONN_ACCEPTED", 2);

  const int owner = btf__add_struct(raw, "owner", 8);
  btf__add_field(raw, "id", u32, 0, 0);
  btf__add_field(raw, "kind", u16, 32, 0);

  const int key = btf__add_struct(raw, "conn_key", 32);
  btf__add_field(raw, "family", u8, 0, 0);
  btf__add_field(raw, "direction", direction, 8, 0);
  btf__add_field(raw, "port", u16, 16, 0);
  btf__add_field(raw, "addr", addr16, 32, 0);
  btf__add_field(raw, "owner", owner, 192, 0);
  btf__add_decl_tag(raw, kIpAddrTag, key, 3);

  const int value = btf__add_struct(raw, "conn_value", 48);
  btf__add_field(raw, "packets", u64, 0, 0);
  btf__add_field(raw, "bytes", u64, 64, 0);
  btf__add_field(raw, "hist", u32x4, 128, 0);
  btf__add_field(raw, "comm", char8, 256, 0);
  btf__add_field(raw, "delta", s32, 320, 0);

  const int hits = btf__add_struct(raw, "hits", 16);
  btf__add_field(raw, "hits", u64, 0, 0);
  btf__add_field(raw, "misses", u64, 64, 0);

  const int level = btf__add_var(raw, "level", BTF_VAR_GLOBAL_ALLOCATED, u32);
  const int total = btf__add_var(raw, "total", BTF_VAR_GLOBAL_ALLOCATED, u64);
  const int name = btf__add_var(raw, "name", BTF_VAR_GLOBAL_ALLOCATED, char8);
  const int data = btf__add_datasec(raw, ".data", 24);
  btf__add_datasec_var_info(raw, level, 0, 4);
  btf__add_datasec_var_info(raw, total, 8, 8);
  btf__add_datasec_var_info(raw, name, 16, 8);

  auto types = BtfTypes::Create(std::move(b));
  Check(types.status());
  return {*types, key, value, u32, hits, data};
}

const Types& TestTypes() {
  static const Types* types = new Types(BuildTypes());
  return *types;
}

TypeCodec Codec(int id, const char* root) {
  auto codec = TypeCodec::Create(TestTypes().btf, id, root);
  Check(codec.status());
  return *std::move(codec);
}

std::string LayoutText(const TypeCodec& codec) {
  return DumpJson(LayoutToJson(codec.Layout()));
}

std::string Text(const TypeCodec& codec, const std::vector<uint8_t>& bytes) {
  std::string out;
  Check(codec.EncodeText(bytes, out));
  return out;
}

template <typename T>
void Put(std::vector<uint8_t>& bytes, size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof(value));
}

std::vector<uint8_t> Key(uint8_t family, uint8_t direction, uint16_t port,
                         std::vector<uint8_t> addr, uint32_t owner) {
  std::vector<uint8_t> bytes(32, 0);
  bytes[0] = family;
  bytes[1] = direction;
  Put(bytes, 2, port);
  std::memcpy(bytes.data() + 4, addr.data(), addr.size());
  Put(bytes, 24, owner);
  Put<uint16_t>(bytes, 28, 3);
  return bytes;
}

std::vector<uint8_t> Value(uint64_t packets, uint64_t bytes_count,
                           const char* comm, int32_t delta) {
  std::vector<uint8_t> bytes(48, 0);
  Put(bytes, 0, packets);
  Put(bytes, 8, bytes_count);
  for (uint32_t i = 0; i < 4; ++i) Put(bytes, 16 + 4 * i, i * 10);
  std::memcpy(bytes.data() + 32, comm, std::min<size_t>(8, strlen(comm)));
  Put(bytes, 40, delta);
  return bytes;
}

}  // namespace

TestMap ConnectionMap() {
  const TypeCodec key = Codec(TestTypes().conn_key, "key");
  const TypeCodec value = Codec(TestTypes().conn_value, "value");
  TestMap map;
  map.info.mutable_ref()->set_program_set("test");
  map.info.mutable_ref()->set_map("connections");
  map.info.set_type("hash");
  map.info.set_key_size(32);
  map.info.set_value_size(48);
  map.info.set_max_entries(1024);
  map.info.set_key_layout(LayoutText(key));
  map.info.set_value_layout(LayoutText(value));
  const std::vector<uint8_t> v4 = {0, 0, 0, 0, 0, 0, 0, 0,
                                   0, 0, 0xff, 0xff, 10, 1, 2, 3};
  const std::vector<uint8_t> v6 = {0x20, 0x01, 0x0d, 0xb8, 0x85, 0xa3,
                                   0x11, 0x11, 0x22, 0x22, 0x8a, 0x2e,
                                   0x03, 0x70, 0x73, 0x34};
  map.entries = {
      {Text(key, Key(2, 1, 443, v4, 1001)),
       Text(value, Value(1234567, 9876543210, "curl", -5))},
      {Text(key, Key(10, 2, 8080, v6, 2002)),
       Text(value, Value(12, 3400, "nginx-worker", 7))},
      {Text(key, Key(2, 2, 22, v4, 0)), Text(value, Value(0, 0, "", 0))},
  };
  return map;
}

TestMap PerCpuMap() {
  const TypeCodec key = Codec(TestTypes().u32, "key");
  const TypeCodec value = Codec(TestTypes().hits, "value");
  TestMap map;
  map.info.mutable_ref()->set_program_set("test");
  map.info.mutable_ref()->set_map("hits");
  map.info.set_type("percpu_hash");
  map.info.set_per_cpu(true);
  map.info.set_possible_cpus(2);
  map.info.set_key_layout(LayoutText(key));
  map.info.set_value_layout(LayoutText(value));
  for (uint32_t k : {1u, 2u}) {
    std::vector<uint8_t> key_bytes(4);
    Put(key_bytes, 0, k);
    std::string cpus = "[";
    for (uint64_t cpu = 0; cpu < 2; ++cpu) {
      std::vector<uint8_t> bytes(16);
      Put<uint64_t>(bytes, 0, 1000 * k + 100 * cpu);
      Put<uint64_t>(bytes, 8, k + cpu);
      absl::StrAppend(&cpus, cpu == 0 ? "" : ",", Text(value, bytes));
    }
    map.entries.push_back({Text(key, key_bytes), cpus + "]"});
  }
  return map;
}

TestMap GlobalsMap() {
  const TypeCodec value = Codec(TestTypes().data_section, "value");
  TestMap map;
  map.info.mutable_ref()->set_program_set("test");
  map.info.mutable_ref()->set_map("test.data");
  map.info.set_type("array");
  map.info.set_internal(true);
  map.info.set_value_layout(LayoutText(value));
  std::vector<uint8_t> bytes(24, 0);
  Put<uint32_t>(bytes, 0, 3);
  Put<uint64_t>(bytes, 8, 4200000);
  std::memcpy(bytes.data() + 16, "warden", 6);
  map.entries.push_back({"null", Text(value, bytes)});
  return map;
}

}  // namespace bpfwarden::cli::output::testing
