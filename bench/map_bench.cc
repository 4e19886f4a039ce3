// Benchmarks of typed map access on a real map: JSON vs raw bytes for
// Lookup and Update, and paged dumps by batch lookup vs next-key iteration.
//
// The map is the default object's tcp_stats (an LRU hash of struct
// tcp_stats_key -> struct tcp_stats_value, with its real BTF), loaded
// without pinning; plus plain hash maps of the same types for the dumps.
// Needs root (or CAP_BPF). Run: see bench/README.md.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "bpf/bpfwarden_embedded.h"
#include "bpf/include/tcp_stats.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/base/unique_fd.h"
#include "daemon/btf/json.h"
#include "daemon/btf/text_decode.h"
#include "daemon/maps/typed_map.h"

namespace bpfwarden {
namespace {

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "map_bench: %s\n", why.c_str());
  std::exit(1);
}

// The default object, loaded once, unpinned.
struct Loaded {
  BpfObjectPtr obj;

  Loaded() {
    std::span<const uint8_t> elf = embedded::BpfwardenObject();
    LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "bpfwarden");
    obj.reset(bpf_object__open_mem(elf.data(), elf.size(), &opts));
    if (obj == nullptr) Die("open the default object");
    bpf_map* map;
    bpf_object__for_each_map(map, obj.get()) {
      bpf_map__set_pin_path(map, nullptr);  // nothing left in bpffs
    }
    if (bpf_object__load(obj.get()) != 0) {
      Die("load the default object (root needed)");
    }
  }

  // A new FD of the object's map `name`.
  UniqueFd MapFd(const char* name) const {
    bpf_map* map = bpf_object__find_map_by_name(obj.get(), name);
    if (map == nullptr) Die(absl::StrCat("no map ", name));
    return UniqueFd(dup(bpf_map__fd(map)));
  }

  // A fresh hash map with tcp_stats' key/value BTF and `max_entries`.
  UniqueFd NewStatsHash(uint32_t max_entries) const {
    bpf_map* stats = bpf_object__find_map_by_name(obj.get(), "tcp_stats");
    LIBBPF_OPTS(
        bpf_map_create_opts, opts,
        .btf_fd = static_cast<__u32>(btf__fd(bpf_object__btf(obj.get()))),
        .btf_key_type_id = bpf_map__btf_key_type_id(stats),
        .btf_value_type_id = bpf_map__btf_value_type_id(stats));
    UniqueFd fd(bpf_map_create(BPF_MAP_TYPE_HASH, "bench_stats",
                               sizeof(tcp_stats_key), sizeof(tcp_stats_value),
                               max_entries, &opts));
    if (!fd.valid()) Die("create bench hash map");
    return fd;
  }
};

const Loaded& Object() {
  static const Loaded* loaded = new Loaded();
  return *loaded;
}

tcp_stats_key KeyOf(uint32_t i) {
  tcp_stats_key key{};
  key.family = AF_INET;
  key.remote_port = 10000 + i % 50000;
  key.remote_addr[10] = key.remote_addr[11] = 0xff;
  key.remote_addr[12] = 10;
  key.remote_addr[13] = (i >> 16) & 0xff;
  key.remote_addr[14] = (i >> 8) & 0xff;
  key.remote_addr[15] = i & 0xff;
  key.cgroup_id = 4242;
  return key;
}

tcp_stats_value ValueOf(uint32_t i) {
  tcp_stats_value value{};
  value.active_opens = i;
  value.srtt_us = 100 + i;
  value.bytes_acked = uint64_t{1} << 40 | i;
  value.last_seen_ms = 123456789;
  return value;
}

template <typename T>
Bytes BytesOf(const T& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  return Bytes(p, p + sizeof(v));
}

TypedMap Open(UniqueFd fd, const char* label) {
  auto map = TypedMap::Open(std::move(fd), label);
  if (!map.ok()) Die(std::string(map.status().message()));
  return *std::move(map);
}

void Fill(const TypedMap& map, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    absl::Status s =
        map.Update(BytesOf(KeyOf(i)), BytesOf(ValueOf(i)), UpdateFlag::kAny);
    if (!s.ok()) Die(std::string(s.message()));
  }
}

constexpr uint32_t kLookupEntries = 1024;

// tcp_stats itself (LRU hash, 16384 entries) holding kLookupEntries.
const TypedMap& StatsMap() {
  static const TypedMap* map = [] {
    auto* m = new TypedMap(Open(Object().MapFd("tcp_stats"), "tcp_stats"));
    Fill(*m, kLookupEntries);
    return m;
  }();
  return *map;
}

// The bare syscall, for scale.
void BM_LookupSyscall(benchmark::State& state) {
  const TypedMap& map = StatsMap();
  std::vector<tcp_stats_key> keys;
  for (uint32_t i = 0; i < kLookupEntries; ++i) keys.push_back(KeyOf(i));
  tcp_stats_value value;
  size_t i = 0;
  for (auto _ : state) {
    if (bpf_map_lookup_elem(map.fd(), &keys[i++ % keys.size()], &value) != 0) {
      state.SkipWithError("lookup failed");
    }
    benchmark::DoNotOptimize(value);
  }
}
BENCHMARK(BM_LookupSyscall);

void BM_LookupRaw(benchmark::State& state) {
  const TypedMap& map = StatsMap();
  std::vector<Bytes> keys;
  for (uint32_t i = 0; i < kLookupEntries; ++i)
    keys.push_back(BytesOf(KeyOf(i)));
  size_t i = 0;
  for (auto _ : state) {
    auto value = map.Lookup(keys[i++ % keys.size()]);
    if (!value.ok()) state.SkipWithError("lookup failed");
    benchmark::DoNotOptimize(value);
  }
}
BENCHMARK(BM_LookupRaw);

void BM_LookupJson(benchmark::State& state) {
  const TypedMap& map = StatsMap();
  std::vector<Json> keys;
  for (uint32_t i = 0; i < kLookupEntries; ++i) {
    keys.push_back(*map.KeyToJson(BytesOf(KeyOf(i))));
  }
  size_t i = 0;
  for (auto _ : state) {
    auto value = map.LookupJson(keys[i++ % keys.size()]);
    if (!value.ok()) state.SkipWithError("lookup failed");
    benchmark::DoNotOptimize(value);
  }
}
BENCHMARK(BM_LookupJson);

// JSON from and to text too, as a gRPC request carries it.
void BM_LookupJsonText(benchmark::State& state) {
  const TypedMap& map = StatsMap();
  std::vector<std::string> keys;
  for (uint32_t i = 0; i < kLookupEntries; ++i) {
    keys.push_back(DumpJson(*map.KeyToJson(BytesOf(KeyOf(i)))));
  }
  size_t i = 0;
  for (auto _ : state) {
    auto key = ParseJson(keys[i++ % keys.size()], "key");
    auto value = map.LookupJson(*key);
    if (!value.ok()) state.SkipWithError("lookup failed");
    std::string text = DumpJson(*value);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_LookupJsonText);

void BM_UpdateRaw(benchmark::State& state) {
  const TypedMap& map = StatsMap();
  std::vector<MapEntry> entries;
  for (uint32_t i = 0; i < kLookupEntries; ++i) {
    entries.push_back({BytesOf(KeyOf(i)), BytesOf(ValueOf(i + 1))});
  }
  size_t i = 0;
  for (auto _ : state) {
    const MapEntry& e = entries[i++ % entries.size()];
    if (!map.Update(e.key, e.value, UpdateFlag::kExist).ok()) {
      state.SkipWithError("update failed");
    }
  }
}
BENCHMARK(BM_UpdateRaw);

void BM_UpdateJson(benchmark::State& state) {
  const TypedMap& map = StatsMap();
  std::vector<JsonEntry> entries;
  for (uint32_t i = 0; i < kLookupEntries; ++i) {
    entries.push_back({*map.KeyToJson(BytesOf(KeyOf(i))),
                       *map.ValueToJson(BytesOf(ValueOf(i + 1)))});
  }
  size_t i = 0;
  for (auto _ : state) {
    const JsonEntry& e = entries[i++ % entries.size()];
    if (!map.UpdateJson(e.key, e.value, UpdateFlag::kExist).ok()) {
      state.SkipWithError("update failed");
    }
  }
}
BENCHMARK(BM_UpdateJson);

// The codec alone (no syscall): value bytes -> JSON and back.
void BM_EncodeValue(benchmark::State& state) {
  const TypedMap& map = StatsMap();
  const Bytes value = BytesOf(ValueOf(7));
  for (auto _ : state) benchmark::DoNotOptimize(map.ValueToJson(value));
}
BENCHMARK(BM_EncodeValue);

void BM_DecodeValue(benchmark::State& state) {
  const TypedMap& map = StatsMap();
  const Json value = *map.ValueToJson(BytesOf(ValueOf(7)));
  for (auto _ : state) benchmark::DoNotOptimize(map.ValueFromJson(value));
}
BENCHMARK(BM_DecodeValue);

// JSON text -> bytes, the request path's decode (DataToBytes), side by
// side: the old path (ParseJson to a nlohmann DOM, then the DOM walk), the
// text decoder on nlohmann's SAX parser alone (DecodeTextSax, the
// candidate that lost, kept as the fallback), and on simdjson's DOM parser
// reused per thread (TypeCodec::DecodeText, what DataToBytes uses). Each
// checks first that it gives the bytes the old path gives.
enum class TextPath { kDom, kSax, kSimdjson };

absl::StatusOr<Bytes> DecodeBy(TextPath path, const TypeCodec& codec,
                               const std::string& text) {
  switch (path) {
    case TextPath::kDom: {
      absl::StatusOr<Json> json = ParseJson(text, codec.root());
      if (!json.ok()) return json.status();
      return codec.Decode(*json);
    }
    case TextPath::kSax:
      return DecodeTextSax(codec, text);
    case TextPath::kSimdjson:
      return codec.DecodeText(text);
  }
  return absl::InternalError("no such path");
}

// The .rodata map of the default object: a DATASEC (global variables).
const TypedMap& GlobalsMap() {
  static const TypedMap* map = [] {
    bpf_map* m;
    bpf_object__for_each_map(m, Object().obj.get()) {
      if (!bpf_map__is_internal(m)) continue;
      auto* typed = new TypedMap(
          Open(UniqueFd(dup(bpf_map__fd(m))), bpf_map__name(m)));
      auto codec = typed->value_codec();
      if (codec.ok() && (*codec)->is_section()) return typed;
      delete typed;
    }
    Die("no global-variable map in the default object");
  }();
  return *map;
}

enum class Which { kKey, kValue, kGlobals };

void DecodeText(benchmark::State& state, Which which, TextPath path) {
  const TypedMap& map = which == Which::kGlobals ? GlobalsMap() : StatsMap();
  const TypeCodec* codec =
      which == Which::kKey ? *map.key_codec() : *map.value_codec();
  std::vector<std::string> texts;
  for (uint32_t i = 0; i < 64; ++i) {
    const Bytes bytes = which == Which::kKey     ? BytesOf(KeyOf(i))
                        : which == Which::kValue ? BytesOf(ValueOf(i))
                                                 : Bytes(codec->size(), i);
    std::string text;
    if (!codec->EncodeText(bytes, text).ok()) Die("encode");
    absl::StatusOr<Bytes> want = DecodeBy(TextPath::kDom, *codec, text);
    absl::StatusOr<Bytes> got = DecodeBy(path, *codec, text);
    if (!want.ok() || !got.ok() || *want != *got) {
      Die(absl::StrCat("decoders disagree on ", text));
    }
    texts.push_back(std::move(text));
  }
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const std::string& text = texts[i++ % texts.size()];
    bytes += text.size();
    auto out = DecodeBy(path, *codec, text);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK_CAPTURE(DecodeText, Key_Dom, Which::kKey, TextPath::kDom);
BENCHMARK_CAPTURE(DecodeText, Key_Sax, Which::kKey, TextPath::kSax);
BENCHMARK_CAPTURE(DecodeText, Key_Simdjson, Which::kKey, TextPath::kSimdjson);
BENCHMARK_CAPTURE(DecodeText, Value_Dom, Which::kValue, TextPath::kDom);
BENCHMARK_CAPTURE(DecodeText, Value_Sax, Which::kValue, TextPath::kSax);
BENCHMARK_CAPTURE(DecodeText, Value_Simdjson, Which::kValue,
                  TextPath::kSimdjson);
BENCHMARK_CAPTURE(DecodeText, Globals_Dom, Which::kGlobals, TextPath::kDom);
BENCHMARK_CAPTURE(DecodeText, Globals_Sax, Which::kGlobals, TextPath::kSax);
BENCHMARK_CAPTURE(DecodeText, Globals_Simdjson, Which::kGlobals,
                  TextPath::kSimdjson);

// Opening: map info, the map's BTF from the kernel, key/value codecs.
void BM_OpenTypedMap(benchmark::State& state) {
  const TypedMap& stats = StatsMap();
  for (auto _ : state) {
    auto map = TypedMap::Open(UniqueFd(dup(stats.fd())), "tcp_stats");
    if (!map.ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(map);
  }
}
BENCHMARK(BM_OpenTypedMap)->Unit(benchmark::kMicrosecond);

// Dumping a whole hash map of state.range(0) entries in pages of 256.
void Dump(benchmark::State& state, DumpMethod method) {
  const uint32_t n = state.range(0);
  TypedMap map = Open(Object().NewStatsHash(n), "bench_stats");
  Fill(map, n);
  for (auto _ : state) {
    size_t seen = 0;
    std::string token;
    do {
      auto page = map.Dump(token, {.page_size = 256, .method = method});
      if (!page.ok()) {
        state.SkipWithError(std::string(page.status().message()).c_str());
        return;
      }
      seen += page->entries.size();
      token = page->next_token;
    } while (!token.empty());
    if (seen != n) state.SkipWithError("dump missed entries");
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_DumpBatch(benchmark::State& state) { Dump(state, DumpMethod::kBatch); }
BENCHMARK(BM_DumpBatch)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_DumpNextKey(benchmark::State& state) {
  Dump(state, DumpMethod::kNextKey);
}
BENCHMARK(BM_DumpNextKey)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace bpfwarden

BENCHMARK_MAIN();
