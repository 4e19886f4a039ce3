// idle_client: a client that opens as many server streams as one connection
// carries (16) on each of CONNECTIONS connections per stream kind, reads
// nothing, writes "holding" to stderr once every call has been sent, holds
// them until SIGUSR1 (at most SECONDS), then reports per kind how many were
// still open and how the others had ended (sorted by code name):
//
//   idle_client SOCKET CONNECTIONS SECONDS
//   dump open=8 RESOURCE_EXHAUSTED=56
//   watch open=0 RESOURCE_EXHAUSTED=64
//   ...
//
// Kinds: dump (Maps.Dump of bpfwarden/tcp_tune_counters, one entry a
// page), watch (Maps.Watch of it), tail (Logs.Tail of bpfwarden, follow),
// reflection (ServerReflectionInfo, sending nothing), health
// (grpc.health.v1.Health/Watch). Every connection has a fixed 64 KiB window,
// so a dump larger than that stalls on flow control.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "bpfwarden/v1/api.pb.h"

namespace {

constexpr int kStreamsPerConnection = 16;

volatile sig_atomic_t released = 0;
void Release(int) { released = 1; }

struct Kind {
  std::string name;
  std::string method;
  bool send;            // false: send nothing, keep the stream open
  std::string request;  // serialized
};

std::vector<Kind> Kinds() {
  bpfwarden::v1::MapRef ref;
  ref.set_program_set("bpfwarden");
  ref.set_map("tcp_tune_counters");
  bpfwarden::v1::DumpRequest dump;
  *dump.mutable_map() = ref;
  dump.set_page_size(1);
  bpfwarden::v1::WatchRequest watch;
  *watch.mutable_map() = ref;
  bpfwarden::v1::TailRequest tail;
  tail.set_program_set("bpfwarden");
  tail.set_follow(true);
  return {
      {"dump", "/bpfwarden.v1.Maps/Dump", true, dump.SerializeAsString()},
      {"watch", "/bpfwarden.v1.Maps/Watch", true, watch.SerializeAsString()},
      {"tail", "/bpfwarden.v1.Logs/Tail", true, tail.SerializeAsString()},
      {"reflection",
       "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", false,
       ""},
      // HealthCheckRequest{service: ""} is empty on the wire.
      {"health", "/grpc.health.v1.Health/Watch", true, ""},
  };
}

std::string CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    default:
      return "CODE" + std::to_string(static_cast<int>(code));
  }
}

struct Call {
  int kind;
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> stream;
  grpc::ByteBuffer request;
  grpc::Status status;
  bool finished = false;
  bool held = false;  // still open when the hold ended
};

// Tags: the call's index times 4 plus the operation.
enum Op : intptr_t { kStart = 0, kWrite = 1, kFinish = 2 };
void* Tag(size_t call, Op op) {
  return reinterpret_cast<void*>(static_cast<intptr_t>(call) * 4 + op);
}

int Run(const std::string& socket, int connections, int seconds) {
  const std::vector<Kind> kinds = Kinds();
  grpc::CompletionQueue cq;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<Call>> calls;
  const auto deadline =
      std::chrono::system_clock::now() + std::chrono::seconds(seconds + 30);
  for (size_t k = 0; k < kinds.size(); ++k) {
    for (int c = 0; c < connections; ++c) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
      channels.push_back(grpc::CreateCustomChannel(
          "unix:" + socket, grpc::InsecureChannelCredentials(), args));
      grpc::GenericStub stub(channels.back());
      for (int s = 0; s < kStreamsPerConnection; ++s) {
        const size_t id = calls.size();
        auto call = std::make_unique<Call>();
        call->kind = static_cast<int>(k);
        call->ctx.set_deadline(deadline);
        // With a request, the headers go with it (StartCall and a write
        // may not both be in flight).
        const bool send = kinds[k].send;
        call->ctx.set_initial_metadata_corked(send);
        call->stream = stub.PrepareCall(&call->ctx, kinds[k].method, &cq);
        call->stream->StartCall(Tag(id, kStart));
        if (send) {
          grpc::Slice slice(kinds[k].request);
          call->request = grpc::ByteBuffer(&slice, 1);
          call->stream->WriteLast(call->request, grpc::WriteOptions(),
                                  Tag(id, kWrite));
        }
        call->stream->Finish(&call->status, Tag(id, kFinish));
        calls.push_back(std::move(call));
      }
    }
  }
  // Collects the calls that end; on SIGUSR1 or after `seconds`, cancels the
  // rest.
  size_t finished = 0;
  size_t sent = 0;  // calls whose request went out
  std::vector<int> open(kinds.size(), 0);
  const auto hold_until =
      std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  bool cancelled = false;
  while (finished < calls.size()) {
    void* tag = nullptr;
    bool ok = false;
    // Holding, it looks for SIGUSR1 every 50 ms.
    const auto now = std::chrono::system_clock::now();
    auto wait = cancelled
                    ? deadline
                    : std::min(hold_until, now + std::chrono::milliseconds(50));
    auto got = cq.AsyncNext(&tag, &ok, wait);
    if (got == grpc::CompletionQueue::SHUTDOWN) break;
    if (got == grpc::CompletionQueue::TIMEOUT) {
      if (cancelled) break;
      if (!released && std::chrono::system_clock::now() < hold_until) continue;
      cancelled = true;
      for (auto& call : calls) {
        if (!call->finished) {
          ++open[call->kind];
          call->held = true;
          call->ctx.TryCancel();
        }
      }
      continue;
    }
    const auto value = reinterpret_cast<intptr_t>(tag);
    if (value % 4 != kFinish) {
      // A call is sent with its request, or with its headers when it has
      // none. (With corked headers the start's tag does not come.)
      const Kind& kind = kinds[calls[value / 4]->kind];
      const Op sends = kind.send ? kWrite : kStart;
      if (value % 4 == sends && ++sent == calls.size()) {
        std::cerr << "holding" << std::endl;
      }
      continue;
    }
    Call& call = *calls[value / 4];
    call.finished = true;
    ++finished;
  }
  std::vector<std::map<std::string, int>> ended(kinds.size());
  for (auto& call : calls) {
    if (call->held) continue;
    ++ended[call->kind][CodeName(call->status.error_code())];
  }
  for (size_t k = 0; k < kinds.size(); ++k) {
    std::cout << kinds[k].name << " open=" << open[k];
    for (const auto& [code, n] : ended[k]) std::cout << " " << code << "=" << n;
    std::cout << "\n";
  }
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  return finished == calls.size() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGUSR1, Release);
  if (argc != 4) {
    std::cerr << "usage: idle_client SOCKET CONNECTIONS SECONDS\n";
    return 64;
  }
  return Run(argv[1], std::atoi(argv[2]), std::atoi(argv[3]));
}
