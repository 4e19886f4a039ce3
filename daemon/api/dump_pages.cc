#include "daemon/api/dump_pages.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "daemon/api/map_data.h"

namespace bpfwarden::api {
namespace {

absl::Status FillEntries(const TypedMap& map, v1::Encoding encoding,
                         const PackedPage& page, v1::DumpResponse& out) {
  const auto* keys = reinterpret_cast<const uint8_t*>(page.keys.data());
  const auto* values = reinterpret_cast<const uint8_t*>(page.values.data());
  for (size_t i = 0; i < page.count; ++i) {
    v1::Entry* entry = out.add_entries();
    absl::StatusOr<v1::Data> key = BytesToData(
        map, absl::MakeConstSpan(keys + i * map.key_size(), map.key_size()),
        Side::kKey, encoding);
    if (!key.ok()) return key.status();
    absl::StatusOr<v1::Data> value = BytesToData(
        map,
        absl::MakeConstSpan(values + i * map.value_bytes(), map.value_bytes()),
        Side::kValue, encoding);
    if (!value.ok()) return value.status();
    *entry->mutable_key() = *std::move(key);
    *entry->mutable_value() = *std::move(value);
  }
  return absl::OkStatus();
}

// Entries a thread encodes at least: a few hundred make the hand-over to a
// pool thread pay.
constexpr size_t kEntriesPerThread = 512;

// Appends entries [begin, end) of `page` as JSON lines to `text`.
absl::Status AppendJsonLines(const TypedMap& map, v1::Encoding encoding,
                             const PackedPage& page, size_t begin, size_t end,
                             std::string& text) {
  const auto* keys = reinterpret_cast<const uint8_t*>(page.keys.data());
  const auto* values = reinterpret_cast<const uint8_t*>(page.values.data());
  text.reserve(text.size() +
               (end - begin) * 4 * (map.key_size() + map.value_bytes()));
  for (size_t i = begin; i < end; ++i) {
    text.append("{\"key\":");
    absl::Status s = AppendJsonText(
        map, absl::MakeConstSpan(keys + i * map.key_size(), map.key_size()),
        Side::kKey, encoding, text);
    if (!s.ok()) return s;
    text.append(",\"value\":");
    s = AppendJsonText(
        map,
        absl::MakeConstSpan(values + i * map.value_bytes(), map.value_bytes()),
        Side::kValue, encoding, text);
    if (!s.ok()) return s;
    text.append("}\n");
  }
  return absl::OkStatus();
}

// The page as JSON lines, its parts encoded on the pool's threads at once
// and joined in order.
absl::Status FillJsonLines(const TypedMap& map, v1::Encoding encoding,
                           const PackedPage& page, WorkPool& pool,
                           v1::DumpResponse& out) {
  std::string& text = *out.mutable_json_lines();
  const size_t parts =
      std::min<size_t>(pool.threads() + 1, page.count / kEntriesPerThread);
  if (parts <= 1) {
    if (absl::Status s =
            AppendJsonLines(map, encoding, page, 0, page.count, text);
        !s.ok()) {
      return s;
    }
  } else {
    std::vector<std::string> texts(parts);
    std::vector<absl::Status> statuses(parts);
    const size_t per_part = (page.count + parts - 1) / parts;
    pool.ParallelFor(parts, 1, [&](size_t first, size_t last) {
      for (size_t p = first; p < last; ++p) {
        const size_t begin = p * per_part;
        const size_t end = std::min(page.count, begin + per_part);
        statuses[p] =
            AppendJsonLines(map, encoding, page, begin, end, texts[p]);
      }
    });
    size_t total = 0;
    for (size_t p = 0; p < parts; ++p) {
      if (!statuses[p].ok()) return statuses[p];
      total += texts[p].size();
    }
    text.reserve(total);
    for (const std::string& part : texts) text.append(part);
  }
  out.set_count(page.count);
  return absl::OkStatus();
}

}  // namespace

absl::Status FillDumpPage(const TypedMap& map, const v1::DumpRequest& request,
                          PackedPage& page, WorkPool& pool,
                          v1::DumpResponse& out) {
  if (!request.packed()) {
    return FillEntries(map, request.encoding(), page, out);
  }
  if (request.encoding() == v1::ENCODING_RAW) {
    out.set_count(page.count);
    out.set_keys(std::move(page.keys));
    out.set_values(std::move(page.values));
    return absl::OkStatus();
  }
  return FillJsonLines(map, request.encoding(), page, pool, out);
}

absl::StatusOr<v1::DumpResponse> NextDumpPage(const TypedMap& map,
                                              const v1::DumpRequest& request,
                                              absl::string_view token,
                                              DumpOptions& options,
                                              size_t max_bytes,
                                              WorkPool& pool) {
  for (;;) {
    absl::StatusOr<PackedPage> page = map.DumpPacked(token, options);
    if (!page.ok()) return page.status();
    v1::DumpResponse out;
    if (absl::Status s = FillDumpPage(map, request, *page, pool, out);
        !s.ok()) {
      return s;
    }
    out.set_resume_token(page->next_token);
    out.set_done(page->next_token.empty());
    if (out.ByteSizeLong() <= max_bytes) return out;
    if (options.page_size <= 1) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "Maps.Dump of ", map.label(), ": one page of a single entry takes ",
          out.ByteSizeLong(), " bytes, more than the ", max_bytes,
          " a message may carry; dump it raw"));
    }
    options.page_size = std::max<size_t>(1, options.page_size / 2);
  }
}

}  // namespace bpfwarden::api
