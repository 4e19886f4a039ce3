#include "daemon/api/maps_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "daemon/api/audited_call.h"
#include "daemon/api/batch_lookup.h"
#include "daemon/api/convert.h"
#include "daemon/api/grpc_status.h"
#include "daemon/api/map_data.h"
#include "daemon/api/map_open.h"
#include "daemon/api/stream_grant.h"
#include "daemon/api/typed_map_proto.h"
#include "daemon/api/unary_call.h"

namespace bpfwarden::api {
namespace {

using policy::Operation;
using policy::Resource;

Resource ResourceOf(const v1::MapRef& ref) {
  return Resource{ref.program_set(), ref.map()};
}

// Keys of a request for the audit record, cut after a few.
template <typename Range, typename KeyOf>
std::string AuditKeys(const Range& items, KeyOf key_of) {
  constexpr int kShown = 8;
  std::string out;
  int n = 0;
  for (const auto& item : items) {
    if (n == kShown) {
      absl::StrAppend(&out, " ... (", items.size(), " keys)");
      break;
    }
    absl::StrAppend(&out, n++ ? " " : "", DataForAudit(key_of(item)));
  }
  return out;
}

absl::Status CheckBatch(size_t n, size_t max, absl::string_view what) {
  if (n == 0)
    return absl::InvalidArgumentError(absl::StrCat(what, ": none given"));
  if (n > max) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": ", n, " in one request; the server takes at most ", max));
  }
  return absl::OkStatus();
}

// Refuses, before anything is allocated, a request whose keys and values
// would take more than `limit` bytes (the message limit): `n` items of
// `each` bytes. Per-CPU values on many CPUs, or JSON values zero-filled from
// "{}", make a small request stand for a large answer.
absl::Status CheckBytes(size_t n, size_t each, size_t limit,
                        absl::string_view what) {
  if (each == 0 || n <= limit / each) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      what, ": ", n, " of ", each, " bytes each would take more than the ",
      limit, "-byte message limit; send at most ", limit / each,
      " per request"));
}

// The entry (key, value) as the client asked for it, into `out`.
absl::Status ToEntry(const TypedMap& map, absl::Span<const uint8_t> key,
                     absl::Span<const uint8_t> value, v1::Encoding encoding,
                     v1::Entry& out) {
  absl::StatusOr<v1::Data> key_data =
      BytesToData(map, key, Side::kKey, encoding);
  if (!key_data.ok()) return key_data.status();
  absl::StatusOr<v1::Data> value_data =
      BytesToData(map, value, Side::kValue, encoding);
  if (!value_data.ok()) return value_data.status();
  *out.mutable_key() = *std::move(key_data);
  *out.mutable_value() = *std::move(value_data);
  return absl::OkStatus();
}

// Lookup on a map whose elements are their own keys (a bloom filter): the
// element comes as the request's key, typed as the map's value, and is
// answered as the entry's value when it may be present (NOT_FOUND when it
// is surely absent). The kernel tests the value buffer it is given.
grpc::Status LookupElement(const TypedMap& map, const v1::LookupRequest& req,
                           v1::LookupResponse& resp) {
  absl::StatusOr<Bytes> element =
      DataToBytes(map, req.key(), Side::kValue, req.zero_fill(), "key");
  if (!element.ok()) return ToGrpc(element.status());
  if (absl::Status s = map.LookupInto({}, absl::MakeSpan(*element)); !s.ok()) {
    return ToGrpc(s);
  }
  absl::StatusOr<v1::Data> value =
      BytesToData(map, *element, Side::kValue, req.encoding());
  if (!value.ok()) return ToGrpc(value.status());
  *resp.mutable_entry()->mutable_value() = *std::move(value);
  return grpc::Status::OK;
}

// The batch's error names how far it got.
absl::Status BatchStatus(const BatchResult& result, size_t total) {
  if (result.status.ok() || total == 1) return result.status;
  return absl::Status(
      result.status.code(),
      absl::StrCat(result.status.message(), " (", result.applied, " of ", total,
                   " entries applied before it)"));
}

}  // namespace

grpc::ServerUnaryReactor* MapsService::List(grpc::CallbackServerContext* ctx,
                                            const v1::ListMapsRequest* req,
                                            v1::ListMapsResponse* resp) {
  return Finished(ctx, DoList(*ctx, *req, *resp));
}

grpc::Status MapsService::DoList(const grpc::ServerContextBase& ctx,
                                 const v1::ListMapsRequest& req,
                                 v1::ListMapsResponse& resp) {
  absl::StatusOr<policy::Identity> who = api_->Caller(ctx);
  if (!who.ok()) return ToGrpc(who.status());
  for (const MapInfo& map : api_->warden().ListMaps()) {
    if (!req.program_set().empty() && map.program_set != req.program_set()) {
      continue;
    }
    if (!api_->Allows(*who, Operation::kRead, {map.program_set, map.name})) {
      continue;
    }
    *resp.add_maps() = ToProto(map, nullptr);
  }
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* MapsService::Get(grpc::CallbackServerContext* ctx,
                                           const v1::GetMapRequest* req,
                                           v1::MapInfo* resp) {
  return Finished(ctx, DoGet(*ctx, *req, *resp));
}

grpc::Status MapsService::DoGet(const grpc::ServerContextBase& ctx,
                                const v1::GetMapRequest& req,
                                v1::MapInfo& resp) {
  if (absl::Status s = CheckRef(req.map()); !s.ok()) return ToGrpc(s);
  auto who =
      api_->Authorize(ctx, Operation::kRead, ResourceOf(req.map()), "Maps.Get");
  if (!who.ok()) return ToGrpc(who.status());
  auto handle = OpenMap(*api_, req.map());
  if (!handle.ok()) return ToGrpc(handle.status());
  resp = ToProto((*handle)->info, &(*handle)->map);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* MapsService::Lookup(grpc::CallbackServerContext* ctx,
                                              const v1::LookupRequest* req,
                                              v1::LookupResponse* resp) {
  return Finished(ctx, DoLookup(*ctx, *req, *resp));
}

grpc::Status MapsService::DoLookup(const grpc::ServerContextBase& ctx,
                                   const v1::LookupRequest& req,
                                   v1::LookupResponse& resp) {
  if (absl::Status s = CheckRef(req.map()); !s.ok()) return ToGrpc(s);
  auto who = api_->Authorize(ctx, Operation::kRead, ResourceOf(req.map()),
                             "Maps.Lookup", DataForAudit(req.key()));
  if (!who.ok()) return ToGrpc(who.status());
  if (absl::Status s = CheckEncoding(req.encoding()); !s.ok()) {
    return ToGrpc(s);
  }
  auto handle = OpenMapFor(*api_, req.map(), ElementMethod::kLookup);
  if (!handle.ok()) return ToGrpc(handle.status());
  const TypedMap& map = (*handle)->map;
  if (ElementAccessOf(map.info().type).key == KeyShape::kElement) {
    return LookupElement(map, req, resp);
  }
  // A raw key goes to the kernel straight from the request.
  Bytes decoded;
  absl::StatusOr<absl::Span<const uint8_t>> key =
      DataView(map, req.key(), Side::kKey, req.zero_fill(), "key", decoded);
  if (!key.ok()) return ToGrpc(key.status());
  if (absl::Status s = CheckBytes(1, map.value_bytes(),
                                  api_->limits().max_message_bytes,
                                  "Lookup: value");
      !s.ok()) {
    return ToGrpc(s);
  }
  Bytes value(map.value_bytes());
  if (absl::Status s = map.LookupInto(*key, absl::MakeSpan(value)); !s.ok()) {
    return ToGrpc(s);
  }
  return ToGrpc(
      ToEntry(map, *key, value, req.encoding(), *resp.mutable_entry()));
}

grpc::ServerUnaryReactor* MapsService::LookupBatch(
    grpc::CallbackServerContext* ctx, const v1::LookupBatchRequest* req,
    v1::LookupBatchResponse* resp) {
  return Finished(ctx, DoLookupBatch(*ctx, *req, *resp));
}

grpc::Status MapsService::DoLookupBatch(const grpc::ServerContextBase& ctx,
                                        const v1::LookupBatchRequest& req,
                                        v1::LookupBatchResponse& resp) {
  if (absl::Status s = CheckRef(req.map()); !s.ok()) return ToGrpc(s);
  const bool packed = !req.packed_keys().empty();
  auto who = api_->Authorize(
      ctx, Operation::kRead, ResourceOf(req.map()), "Maps.LookupBatch",
      packed ? absl::StrCat(req.packed_keys().size(), " packed key bytes")
             : AuditKeys(req.keys(), [](const v1::Data& d) -> const v1::Data& {
                 return d;
               }));
  if (!who.ok()) return ToGrpc(who.status());
  if (absl::Status s = CheckEncoding(req.encoding()); !s.ok()) {
    return ToGrpc(s);
  }
  if (packed && req.keys_size() > 0) {
    return ToGrpc(absl::InvalidArgumentError(
        "LookupBatch: give keys or packed_keys, not both"));
  }
  auto handle = OpenMapFor(*api_, req.map(), ElementMethod::kLookupBatch);
  if (!handle.ok()) return ToGrpc(handle.status());
  const TypedMap& map = (*handle)->map;
  if (packed && req.packed_keys().size() % map.key_size() != 0) {
    return ToGrpc(absl::InvalidArgumentError(absl::StrCat(
        "packed_keys: ", req.packed_keys().size(),
        " bytes is not a whole number of ", map.key_size(), "-byte keys")));
  }
  const size_t n =
      packed ? req.packed_keys().size() / map.key_size() : req.keys_size();
  if (absl::Status s = CheckBatch(n, api_->limits().max_batch, "keys");
      !s.ok()) {
    return ToGrpc(s);
  }
  // Values as JSON text take up to several times their bytes (as Dump
  // guesses its pages).
  const size_t each = packed ? map.value_bytes() + 1
                             : 8 * map.value_bytes() + 64;
  if (absl::Status s = CheckBytes(n, each, api_->limits().max_message_bytes,
                                  "LookupBatch: values");
      !s.ok()) {
    return ToGrpc(s);
  }
  if (packed) {
    return ToGrpc(LookupPacked(map, api_->work(), req.packed_keys(),
                               *resp.mutable_found(),
                               *resp.mutable_packed_values()));
  }
  LookupTyped(map, api_->work(), req, resp);
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* MapsService::Update(grpc::CallbackServerContext* ctx,
                                              const v1::UpdateRequest* req,
                                              v1::UpdateResponse* resp) {
  return Finished(ctx, DoUpdate(*ctx, *req, *resp));
}

grpc::Status MapsService::DoUpdate(const grpc::ServerContextBase& ctx,
                                   const v1::UpdateRequest& req,
                                   v1::UpdateResponse& resp) {
  if (absl::Status s = CheckRef(req.map()); !s.ok()) return ToGrpc(s);
  Resource what = ResourceOf(req.map());
  std::string keys =
      AuditKeys(req.entries(),
                [](const v1::Entry& e) -> const v1::Data& { return e.key(); });
  auto who = api_->Authorize(ctx, Operation::kWrite, what, "Maps.Update", keys);
  if (!who.ok()) return ToGrpc(who.status());
  AuditedCall audit(*std::move(who), "Maps.Update", what, std::move(keys));
  if (absl::Status s =
          CheckBatch(req.entries_size(), api_->limits().max_batch, "entries");
      !s.ok()) {
    return audit.Finish(s);
  }
  // An unknown flag would otherwise write as ANY.
  if (!v1::UpdateFlag_IsValid(req.flag())) {
    return audit.Finish(absl::InvalidArgumentError(absl::StrCat(
        "flag: ", static_cast<int>(req.flag()),
        " is not an UpdateFlag (ANY, NOEXIST or EXIST)")));
  }
  auto handle = OpenMapFor(*api_, req.map(), ElementMethod::kUpdate);
  if (!handle.ok()) return audit.Finish(handle.status());
  const TypedMap& map = (*handle)->map;
  if (absl::Status s = CheckBytes(
          req.entries_size(), map.key_size() + map.value_bytes(),
          api_->limits().max_message_bytes, "Update: entries");
      !s.ok()) {
    return audit.Finish(s);
  }
  // Every entry is encoded before any is written.
  std::vector<MapEntry> entries;
  entries.reserve(req.entries_size());
  bool single = req.entries_size() == 1;
  for (int i = 0; i < req.entries_size(); ++i) {
    std::string at = single ? "" : absl::StrCat("entries[", i, "].");
    absl::StatusOr<Bytes> key =
        DataToBytes(map, req.entries(i).key(), Side::kKey, req.zero_fill(),
                    absl::StrCat(at, "key"));
    if (!key.ok()) return audit.Finish(key.status());
    absl::StatusOr<Bytes> value =
        DataToBytes(map, req.entries(i).value(), Side::kValue, req.zero_fill(),
                    absl::StrCat(at, "value"));
    if (!value.ok()) return audit.Finish(value.status());
    entries.push_back({*std::move(key), *std::move(value)});
  }
  UpdateFlag flag = FromProto(req.flag());
  BatchResult result;
  if (single) {
    result.status = map.Update(entries[0].key, entries[0].value, flag);
    result.applied = result.status.ok() ? 1 : 0;
  } else {
    result = map.UpdateBatch(entries, flag);
  }
  resp.set_updated(result.applied);
  return audit.Finish(BatchStatus(result, entries.size()));
}

grpc::ServerUnaryReactor* MapsService::Delete(grpc::CallbackServerContext* ctx,
                                              const v1::DeleteRequest* req,
                                              v1::DeleteResponse* resp) {
  return Finished(ctx, DoDelete(*ctx, *req, *resp));
}

grpc::Status MapsService::DoDelete(const grpc::ServerContextBase& ctx,
                                   const v1::DeleteRequest& req,
                                   v1::DeleteResponse& resp) {
  if (absl::Status s = CheckRef(req.map()); !s.ok()) return ToGrpc(s);
  Resource what = ResourceOf(req.map());
  std::string keys = AuditKeys(
      req.keys(), [](const v1::Data& d) -> const v1::Data& { return d; });
  auto who = api_->Authorize(ctx, Operation::kWrite, what, "Maps.Delete", keys);
  if (!who.ok()) return ToGrpc(who.status());
  AuditedCall audit(*std::move(who), "Maps.Delete", what, std::move(keys));
  if (absl::Status s =
          CheckBatch(req.keys_size(), api_->limits().max_batch, "keys");
      !s.ok()) {
    return audit.Finish(s);
  }
  auto handle = OpenMapFor(*api_, req.map(), ElementMethod::kDelete);
  if (!handle.ok()) return audit.Finish(handle.status());
  const TypedMap& map = (*handle)->map;
  std::vector<Bytes> encoded;
  bool single = req.keys_size() == 1;
  for (int i = 0; i < req.keys_size(); ++i) {
    absl::StatusOr<Bytes> key =
        DataToBytes(map, req.keys(i), Side::kKey, req.zero_fill(),
                    single ? "key" : absl::StrCat("keys[", i, "]"));
    if (!key.ok()) return audit.Finish(key.status());
    encoded.push_back(*std::move(key));
  }
  if (req.ignore_missing()) {
    uint32_t deleted = 0;
    for (const Bytes& key : encoded) {
      absl::Status s = map.Delete(key);
      if (s.ok()) {
        ++deleted;
      } else if (!absl::IsNotFound(s)) {
        resp.set_deleted(deleted);
        return audit.Finish(s);
      }
    }
    resp.set_deleted(deleted);
    return audit.Finish(absl::OkStatus());
  }
  BatchResult result;
  if (single) {
    result.status = map.Delete(encoded[0]);
    result.applied = result.status.ok() ? 1 : 0;
  } else {
    result = map.DeleteBatch(encoded);
  }
  resp.set_deleted(result.applied);
  return audit.Finish(BatchStatus(result, encoded.size()));
}

}  // namespace bpfwarden::api
