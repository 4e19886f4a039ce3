#include "daemon/api/batch_lookup.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "daemon/api/grpc_status.h"
#include "daemon/api/map_data.h"

namespace bpfwarden::api {
namespace {

// Keys a thread takes at least: this many lookups pay for handing the work
// to another thread.
constexpr size_t kLookupsPerThread = 128;

// One key of a typed batch lookup into its result.
void LookupOne(const TypedMap& map, const v1::LookupBatchRequest& req, int i,
               v1::LookupResult& result) {
  Bytes decoded;  // a raw key goes to the kernel straight from the request
  absl::StatusOr<absl::Span<const uint8_t>> key =
      DataView(map, req.keys(i), Side::kKey, req.zero_fill(),
               absl::StrCat("keys[", i, "]"), decoded);
  absl::StatusOr<Bytes> value =
      key.ok() ? map.Lookup(*key) : absl::StatusOr<Bytes>(key.status());
  absl::StatusOr<v1::Data> data =
      value.ok() ? BytesToData(map, *value, Side::kValue, req.encoding())
                 : absl::StatusOr<v1::Data>(value.status());
  if (!data.ok()) {
    result.set_code(ToGrpc(data.status()).error_code());
    result.set_message(std::string(data.status().message()));
    return;
  }
  *result.mutable_value() = *std::move(data);
}

}  // namespace

absl::Status LookupPacked(const TypedMap& map, WorkPool& pool,
                          const std::string& keys, std::string& found,
                          std::string& values) {
  const size_t n = keys.size() / map.key_size();
  found.assign(n, 0);
  values.assign(n * map.value_bytes(), 0);
  const auto* key = reinterpret_cast<const uint8_t*>(keys.data());
  auto* value = reinterpret_cast<uint8_t*>(values.data());
  absl::Mutex mu;
  size_t failed_at = n;
  absl::Status failure;
  pool.ParallelFor(n, kLookupsPerThread, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      absl::Status s = map.LookupInto(
          absl::MakeConstSpan(key + i * map.key_size(), map.key_size()),
          absl::MakeSpan(value + i * map.value_bytes(), map.value_bytes()));
      if (s.ok()) {
        found[i] = 1;
      } else if (!absl::IsNotFound(s)) {
        absl::MutexLock lock(&mu);
        if (i < failed_at) {
          failed_at = i;
          failure = std::move(s);
        }
        return;
      }
    }
  });
  if (failure.ok()) return failure;
  return absl::Status(failure.code(), absl::StrCat("keys[", failed_at,
                                                   "]: ", failure.message()));
}

void LookupTyped(const TypedMap& map, WorkPool& pool,
                 const v1::LookupBatchRequest& req,
                 v1::LookupBatchResponse& resp) {
  // Every result exists before the threads fill them, each its own.
  for (int i = 0; i < req.keys_size(); ++i) resp.add_results();
  pool.ParallelFor(req.keys_size(), kLookupsPerThread,
                   [&](size_t begin, size_t end) {
                     for (size_t i = begin; i < end; ++i) {
                       LookupOne(map, req, static_cast<int>(i),
                                 *resp.mutable_results(static_cast<int>(i)));
                     }
                   });
}

}  // namespace bpfwarden::api
