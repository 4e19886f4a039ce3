// bench_tool's API modes: a whole Dump as a client receives it, and closed
// loops of point operations from N clients, each on its own connection.
#include <atomic>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench/bench_tool.h"
#include "grpcpp/grpcpp.h"
#include "bpfwarden/v1/api.grpc.pb.h"

namespace bpfwarden::bench {
namespace {

std::unique_ptr<v1::Maps::Stub> Connect(const std::string& socket) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection each
  return v1::Maps::NewStub(grpc::CreateCustomChannel(
      "unix:" + socket, grpc::InsecureChannelCredentials(), args));
}

v1::MapRef Ref(const ApiTarget& target) {
  v1::MapRef ref;
  ref.set_program_set(target.set);
  ref.set_map(target.map);
  return ref;
}

void SetKey(uint64_t i, bool json, v1::Data& data) {
  const bench_key key = KeyOf(i);
  if (json) {
    data.set_json(absl::StrCat(R"({"a":)", key.a, R"(,"b":)", key.b, "}"));
  } else {
    data.set_raw(&key, sizeof(key));
  }
}

// One call of `options.op`; OK or the call's status.
grpc::Status OneCall(v1::Maps::Stub& stub, const ApiTarget& target,
                     const PointOptions& options, uint64_t i) {
  const bool json = options.encoding == "json";
  grpc::ClientContext ctx;
  if (options.op == "lookup") {
    v1::LookupRequest req;
    *req.mutable_map() = Ref(target);
    SetKey(i, json, *req.mutable_key());
    req.set_encoding(json ? v1::ENCODING_JSON : v1::ENCODING_RAW);
    v1::LookupResponse resp;
    return stub.Lookup(&ctx, req, &resp);
  }
  if (options.op == "update") {
    v1::UpdateRequest req;
    *req.mutable_map() = Ref(target);
    v1::Entry* entry = req.add_entries();
    SetKey(i, json, *entry->mutable_key());
    if (json) {
      entry->mutable_value()->set_json(absl::StrCat(
          R"({"v":[)", i, ",", i + 1, ",", i + 2, ",", i + 3, "]}"));
    } else {
      const bench_value value{{i, i + 1, i + 2, i + 3}};
      entry->mutable_value()->set_raw(&value, sizeof(value));
    }
    req.set_flag(v1::EXIST);
    v1::UpdateResponse resp;
    return stub.Update(&ctx, req, &resp);
  }
  v1::LookupBatchRequest req;
  *req.mutable_map() = Ref(target);
  for (uint32_t k = 0; k < options.batch; ++k) {
    if (json) {
      SetKey((i + k) % options.keys, true, *req.add_keys());
    } else {
      const bench_key key = KeyOf((i + k) % options.keys);
      req.mutable_packed_keys()->append(reinterpret_cast<const char*>(&key),
                                        sizeof(key));
    }
  }
  req.set_encoding(json ? v1::ENCODING_JSON : v1::ENCODING_RAW);
  v1::LookupBatchResponse resp;
  grpc::Status s = stub.LookupBatch(&ctx, req, &resp);
  if (s.ok() && !json && resp.found().size() != options.batch) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "short batch");
  }
  return s;
}

}  // namespace

uint64_t RssKb(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

absl::StatusOr<Result> DumpOverApi(const ApiTarget& target,
                                   const std::string& encoding,
                                   bool entries_form) {
  auto stub = Connect(target.socket);
  v1::DumpRequest req;
  *req.mutable_map() = Ref(target);
  req.set_page_size(4096);
  req.set_encoding(encoding == "json" ? v1::ENCODING_JSON : v1::ENCODING_RAW);
  req.set_packed(!entries_form);
  Result result;
  const Clock::time_point start = Clock::now();
  grpc::ClientContext ctx;
  auto reader = stub->Dump(&ctx, req);
  v1::DumpResponse page;
  while (reader->Read(&page)) {
    result.count += entries_form ? page.entries_size() : page.count();
  }
  grpc::Status s = reader->Finish();
  result.seconds = SecondsSince(start);
  if (!s.ok()) return absl::InternalError("Dump: " + s.error_message());
  return result;
}

absl::StatusOr<Result> PointOps(const ApiTarget& target,
                                const PointOptions& options) {
  std::vector<Result> per_client(options.clients);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  for (int c = 0; c < options.clients; ++c) {
    threads.emplace_back([&, c] {
      auto stub = Connect(target.socket);
      Result& r = per_client[c];
      for (uint64_t i = c * 7919; !stop.load(std::memory_order_relaxed);
           i += 1) {
        const Clock::time_point t = Clock::now();
        grpc::Status s = OneCall(*stub, target, options, i % options.keys);
        r.latencies_us.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - t)
                .count());
        if (!s.ok()) ++r.errors;
        r.count += options.op == "lookup_batch" ? options.batch : 1;
      }
    });
  }
  Result total;
  while (SecondsSince(start) < options.seconds) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (options.pid > 0) {
      total.max_rss_kb = std::max(total.max_rss_kb, RssKb(options.pid));
    }
  }
  stop = true;
  for (std::thread& t : threads) t.join();
  total.seconds = SecondsSince(start);
  for (Result& r : per_client) {
    total.count += r.count;
    total.errors += r.errors;
    total.latencies_us.insert(total.latencies_us.end(), r.latencies_us.begin(),
                              r.latencies_us.end());
  }
  return total;
}

}  // namespace bpfwarden::bench
