#include "client/daemon_source.h"

#include "absl/strings/str_cat.h"

namespace bpfwarden::cli {
namespace {

// Large pages: fewer round trips (the daemon caps the size it serves).
constexpr uint32_t kLargePage = 4096;

class DaemonWatch : public MapWatch {
 public:
  DaemonWatch(v1::Maps::Stub& stub, const v1::WatchRequest& request)
      : reader_(stub.Watch(&context_, request)) {}
  ~DaemonWatch() override {
    if (!finished_) {
      context_.TryCancel();
      while (reader_->Read(&drain_)) {
      }
      reader_->Finish();
    }
  }

  bool Read(v1::WatchResponse& out) override { return reader_->Read(&out); }
  absl::Status Finish() override {
    finished_ = true;
    return FromGrpc(reader_->Finish());
  }
  void Cancel() override { context_.TryCancel(); }

 private:
  grpc::ClientContext context_;  // no deadline: a watch lasts
  std::unique_ptr<grpc::ClientReader<v1::WatchResponse>> reader_;
  v1::WatchResponse drain_;
  bool finished_ = false;
};

}  // namespace

absl::StatusOr<v1::MapRef> DaemonSource::Ref(const MapTarget& target) const {
  if (target.set.empty() || target.map.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        target.pin_path, " is not a pin of the daemon (", pin_root_,
        "/SET/MAP); give SET MAP, or read the pin with --direct"));
  }
  v1::MapRef ref;
  ref.set_program_set(target.set);
  ref.set_map(target.map);
  return ref;
}

absl::StatusOr<v1::MapInfo> DaemonSource::Get(const MapTarget& target) {
  absl::StatusOr<v1::MapRef> ref = Ref(target);
  if (!ref.ok()) return ref.status();
  v1::GetMapRequest request;
  *request.mutable_map() = *ref;
  v1::MapInfo info;
  grpc::Status s = client_.maps().Get(client_.Context().get(), request, &info);
  if (!s.ok()) return FromGrpc(s);
  return info;
}

absl::StatusOr<std::vector<v1::MapInfo>> DaemonSource::List(
    const std::string& set) {
  v1::ListMapsRequest request;
  request.set_program_set(set);
  v1::ListMapsResponse response;
  grpc::Status s =
      client_.maps().List(client_.Context().get(), request, &response);
  if (!s.ok()) return FromGrpc(s);
  return std::vector<v1::MapInfo>(response.maps().begin(),
                                  response.maps().end());
}

absl::Status DaemonSource::Dump(const MapTarget& target, v1::Encoding encoding,
                                const PageSink& sink) {
  absl::StatusOr<v1::MapRef> ref = Ref(target);
  if (!ref.ok()) return ref.status();
  v1::DumpRequest request;
  *request.mutable_map() = *ref;
  request.set_page_size(page_size_ == 0 ? kLargePage : page_size_);
  request.set_encoding(encoding);
  request.set_packed(true);
  auto context = client_.Context();
  auto reader = client_.maps().Dump(context.get(), request);
  v1::DumpResponse page;
  while (reader->Read(&page)) {
    absl::Status s = sink(page);
    if (absl::IsCancelled(s)) {
      context->TryCancel();
      reader->Finish();
      return absl::OkStatus();
    }
    if (!s.ok()) {
      context->TryCancel();
      reader->Finish();
      return s;
    }
  }
  return FromGrpc(reader->Finish());
}

absl::StatusOr<v1::Entry> DaemonSource::Lookup(const MapTarget& target,
                                               const v1::Data& key) {
  absl::StatusOr<v1::MapRef> ref = Ref(target);
  if (!ref.ok()) return ref.status();
  v1::LookupRequest request;
  *request.mutable_map() = *ref;
  if (key.form_case() != v1::Data::FORM_NOT_SET) *request.mutable_key() = key;
  request.set_encoding(v1::ENCODING_JSON);
  v1::LookupResponse response;
  grpc::Status s =
      client_.maps().Lookup(client_.Context().get(), request, &response);
  if (!s.ok()) return FromGrpc(s);
  return response.entry();
}

absl::Status DaemonSource::Update(const MapTarget& target,
                                  const v1::Entry& entry, v1::UpdateFlag flag,
                                  bool zero_fill) {
  absl::StatusOr<v1::MapRef> ref = Ref(target);
  if (!ref.ok()) return ref.status();
  v1::UpdateRequest request;
  *request.mutable_map() = *ref;
  *request.add_entries() = entry;
  request.set_flag(flag);
  request.set_zero_fill(zero_fill);
  v1::UpdateResponse response;
  return FromGrpc(
      client_.maps().Update(client_.Context().get(), request, &response));
}

absl::StatusOr<std::unique_ptr<MapWatch>> DaemonSource::Watch(
    const MapTarget& target, uint32_t interval_ms) {
  absl::StatusOr<v1::MapRef> ref = Ref(target);
  if (!ref.ok()) return ref.status();
  v1::WatchRequest request;
  *request.mutable_map() = *ref;
  request.set_interval_ms(interval_ms);
  request.set_encoding(v1::ENCODING_UNSPECIFIED);  // as DumpRows reads
  return std::make_unique<DaemonWatch>(client_.maps(), request);
}

}  // namespace bpfwarden::cli
