#include "client/entry_count.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace bpfwarden::cli {

absl::StatusOr<uint64_t> CountEntries(ApiClient& client,
                                      const v1::MapRef& ref) {
  v1::DumpRequest request;
  *request.mutable_map() = ref;
  request.set_page_size(1 << 16);
  request.set_encoding(v1::ENCODING_RAW);
  request.set_packed(true);
  auto context = client.Context();
  auto reader = client.maps().Dump(context.get(), request);
  v1::DumpResponse page;
  uint64_t count = 0;
  while (reader->Read(&page)) count += page.count() + page.entries_size();
  grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpc(status);
  return count;
}

std::string FillText(const absl::StatusOr<uint64_t>& count,
                     uint32_t max_entries) {
  if (!count.ok()) {
    return max_entries == 0 ? "-" : absl::StrCat("-/", max_entries);
  }
  if (max_entries == 0) return absl::StrCat(*count);
  return absl::StrFormat("%u/%u (%.0f%%)", *count, max_entries,
                         100.0 * static_cast<double>(*count) / max_entries);
}

}  // namespace bpfwarden::cli
