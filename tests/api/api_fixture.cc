#include "tests/api/api_fixture.h"

#include <linux/bpf.h>

#include "absl/strings/str_cat.h"
#include "bpf/include/tcp_tune.h"
#include "tests/testing/cgroup_query.h"
#include "tests/testing/kernel_env.h"

namespace bpfwarden::testing {

std::string ConfigWithPolicy(const std::string& policy) {
  return absl::StrCat("program_sets { name: \"", kSet, "\" builtin: true }\n",
                      policy);
}

void ApiFixture::StartDaemon(const std::string& tag,
                             const std::string& policy) {
  ASSERT_NO_FATAL_FAILURE(StartDaemonWithConfig(tag, ConfigWithPolicy(policy)));
}

void ApiFixture::StartDaemonWithConfig(const std::string& tag,
                                       const std::string& config) {
  auto pins = ScopedPinDir::Create(tag);
  ASSERT_TRUE(pins.ok()) << pins.status();
  pins_.emplace(*std::move(pins));
  auto cgroup = ScopedCgroup::Create(tag);
  ASSERT_TRUE(cgroup.ok()) << cgroup.status();
  cgroup_.emplace(*std::move(cgroup));
  auto work = ScopedTempDir::Create(tag);
  ASSERT_TRUE(work.ok()) << work.status();
  work_.emplace(*std::move(work));

  DaemonOptions options;
  options.pin_root = pins_->path();
  options.work_dir = work_->path();
  options.config = config;
  options.extra_flags = extra_flags_;
  auto daemon = ApiDaemon::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  daemon_ = *std::move(daemon);
  auto channel = daemon_->Channel();
  programs_ = v1::Programs::NewStub(channel);
  attachments_ = v1::Attachments::NewStub(channel);
  maps_ = v1::Maps::NewStub(channel);
  status_ = v1::Daemon::NewStub(channel);
}

void ApiFixture::TearDown() {
  if (daemon_ != nullptr) {
    auto exit = daemon_->Stop();
    EXPECT_TRUE(exit.ok()) << exit.status() << "\n--- daemon log ---\n"
                           << daemon_->Log();
    if (exit.ok()) {
      EXPECT_EQ(*exit, 0) << daemon_->Log();
    }
  }
  if (cgroup_.has_value()) {
    for (bpf_attach_type type : {BPF_CGROUP_SOCK_OPS, BPF_CGROUP_INET_INGRESS,
                                 BPF_CGROUP_INET_EGRESS}) {
      auto ids = AttachedProgramIds(cgroup_->path(), type);
      ASSERT_TRUE(ids.ok()) << ids.status();
      EXPECT_TRUE(ids->empty()) << "left attached to " << cgroup_->path();
    }
  }
}

std::map<std::string, v1::KernelFeature> KernelFeaturesOf(
    const v1::StatusResponse& status) {
  std::map<std::string, v1::KernelFeature> out;
  for (const v1::KernelFeature& f : status.kernel_features()) {
    out[f.name()] = f;
  }
  return out;
}

std::unique_ptr<grpc::ClientContext> ApiFixture::Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(20));
  return ctx;
}

grpc::Status ApiFixture::Update(const std::string& map, const std::string& key,
                                const std::string& value, v1::UpdateFlag flag,
                                bool zero_fill) {
  v1::UpdateRequest req;
  req.mutable_map()->set_program_set(kSet);
  req.mutable_map()->set_map(map);
  v1::Entry* entry = req.add_entries();
  entry->mutable_key()->set_json(key);
  entry->mutable_value()->set_json(value);
  req.set_flag(flag);
  req.set_zero_fill(zero_fill);
  v1::UpdateResponse resp;
  return maps_->Update(Ctx().get(), req, &resp);
}

grpc::Status ApiFixture::Lookup(const std::string& map, const std::string& key,
                                std::string* value) {
  v1::LookupRequest req;
  req.mutable_map()->set_program_set(kSet);
  req.mutable_map()->set_map(map);
  req.mutable_key()->set_json(key);
  req.set_encoding(v1::ENCODING_JSON);
  req.set_zero_fill(true);
  v1::LookupResponse resp;
  grpc::Status s = maps_->Lookup(Ctx().get(), req, &resp);
  if (s.ok()) *value = resp.entry().value().json();
  return s;
}

grpc::Status ApiFixture::Attach(const std::string& set,
                                const std::string& program,
                                v1::AttachResponse* attached) {
  v1::AttachRequest req;
  req.mutable_attachment()->set_program_set(set);
  req.mutable_attachment()->set_program(program);
  req.mutable_attachment()->set_cgroup(cgroup_->path());
  return attachments_->Attach(Ctx().get(), req, attached);
}

grpc::Status ApiFixture::FillCounters() {
  v1::UpdateRequest fill;
  fill.mutable_map()->set_program_set(kSet);
  fill.mutable_map()->set_map("tcp_tune_counters");
  fill.set_zero_fill(true);
  for (int i = 0; i < TCP_TUNE_MAX_COUNTERS; ++i) {
    v1::Entry* e = fill.add_entries();
    e->mutable_key()->set_json(absl::StrCat(R"({"rule_id":)", i, "}"));
    e->mutable_value()->set_json(R"({"matched":1})");
  }
  v1::UpdateResponse filled;
  return maps_->Update(Ctx().get(), fill, &filled);
}

grpc::Status ApiFixture::Delete(const std::string& map,
                                const std::string& key) {
  v1::DeleteRequest req;
  req.mutable_map()->set_program_set(kSet);
  req.mutable_map()->set_map(map);
  req.add_keys()->set_json(key);
  v1::DeleteResponse resp;
  return maps_->Delete(Ctx().get(), req, &resp);
}

}  // namespace bpfwarden::testing
