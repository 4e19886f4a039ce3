// api_probe: one API call from the command line, for tests that run it
// under another uid. The exit status is the gRPC status code (0 OK); stdout
// gets the result (JSON for entries), stderr the error message. Missing JSON
// fields are zero-filled.
//
//   api_probe SOCKET status                   (the caller, then "logs SET"
//                                             for each set's log counts)
//   api_probe SOCKET lookup SET MAP KEY_JSON
//   api_probe SOCKET update SET MAP KEY_JSON VALUE_JSON
//   api_probe SOCKET delete SET MAP KEY_JSON
//   api_probe SOCKET dump SET MAP
//   api_probe SOCKET list-maps
//   api_probe SOCKET unload SET [unpin]
//   api_probe SOCKET detach ID
//   api_probe SOCKET load NAME OBJECT        (uploads the object's bytes)
//   api_probe SOCKET attach SET PROGRAM CGROUP
//   api_probe SOCKET list-attachments CGROUP
//   api_probe SOCKET get-set SET              (the ProgramSetInfo as text)
//   api_probe SOCKET hold N KEEP             (N raw connections; waits up to
//                                             20 s for the daemon to close
//                                             all but KEEP, prints how many
//                                             it closed, holds the rest until
//                                             killed, at most 120 s)
//   api_probe SOCKET dump-paced SET MAP READY (one entry a page, JSON)
//   api_probe SOCKET watch SET MAP READY     (every 100 ms)
//   api_probe SOCKET tail SET READY          (followed)
//     A paced stream: after the first message the probe creates the file
//     READY and waits until READY.go exists, then reads the rest; prints
//     "messages=N" (after the first). Deadline 25 s (the READY.go wait
//     is 20 s).
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "bpfwarden/v1/api.grpc.pb.h"
#include "tests/testing/wait_for.h"

namespace {

using bpfwarden::v1::Attachments;
using bpfwarden::v1::Daemon;
using bpfwarden::v1::Logs;
using bpfwarden::v1::Maps;
using bpfwarden::v1::Programs;

int Done(const grpc::Status& status) {
  if (!status.ok()) std::cerr << status.error_message() << "\n";
  return status.error_code();
}

bpfwarden::v1::MapRef Ref(char** argv) {
  bpfwarden::v1::MapRef ref;
  ref.set_program_set(argv[3]);
  ref.set_map(argv[4]);
  return ref;
}

// Reads the first message, creates `ready`, waits for `ready`.go, reads
// the rest: see the header.
template <typename Message>
int Paced(grpc::ClientReaderInterface<Message>& reader,
          const std::string& ready) {
  Message message;
  if (reader.Read(&message)) {
    std::ofstream(ready).put('\n');
    const std::string go = ready + ".go";
    bpfwarden::testing::WaitFor([&] { return access(go.c_str(), F_OK) == 0; },
                                20, 50);
  }
  int messages = 0;
  while (reader.Read(&message)) ++messages;
  std::cout << "messages=" << messages << "\n";
  return Done(reader.Finish());
}

int Run(int argc, char** argv) {
  if (argc < 3) return 64;
  auto channel = grpc::CreateChannel(std::string("unix:") + argv[1],
                                     grpc::InsecureChannelCredentials());
  std::string method = argv[2];
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (method == "status") {
    bpfwarden::v1::StatusResponse resp;
    grpc::Status s = Daemon::NewStub(channel)->Status(
        &ctx, bpfwarden::v1::StatusRequest(), &resp);
    if (s.ok()) std::cout << resp.caller() << "\n";
    for (const auto& logs : resp.logs()) {
      std::cout << "logs " << logs.program_set() << "\n";
    }
    return Done(s);
  }
  if (method == "list-maps") {
    bpfwarden::v1::ListMapsResponse resp;
    grpc::Status s = Maps::NewStub(channel)->List(
        &ctx, bpfwarden::v1::ListMapsRequest(), &resp);
    for (const auto& map : resp.maps()) {
      std::cout << map.ref().program_set() << "/" << map.ref().map() << "\n";
    }
    return Done(s);
  }
  if (method == "get-set" && argc == 4) {  // maps and paths, one a line
    bpfwarden::v1::GetProgramSetRequest req;
    req.set_name(argv[3]);
    bpfwarden::v1::ProgramSetInfo resp;
    grpc::Status s = Programs::NewStub(channel)->Get(&ctx, req, &resp);
    std::cout << resp.DebugString();
    return Done(s);
  }
  if (method == "hold" && argc == 5) {  // N KEEP: raw connections
    std::vector<int> fds;
    for (int i = 0; i < std::atoi(argv[3]); ++i) {
      int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", argv[1]);
      if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        close(fd);
        continue;
      }
      fds.push_back(fd);
    }
    const size_t keep = std::atoi(argv[4]);
    std::vector<pollfd> open;
    for (int fd : fds) open.push_back({fd, POLLRDHUP, 0});
    size_t closed = 0;
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (fds.size() - closed > keep) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          give_up - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      if (poll(open.data(), open.size(), left.count()) < 0 && errno != EINTR) {
        break;
      }
      for (pollfd& p : open) {
        if (p.fd >= 0 && (p.revents & (POLLRDHUP | POLLHUP)) != 0) {
          ++closed;
          p.fd = -1;  // poll skips it from now on
        }
      }
    }
    std::cout << "open=" << fds.size() - closed << " closed=" << closed
              << std::endl;
    sleep(120);  // holding them is the point; the test kills it sooner
    return 0;
  }
  if (method == "load" && argc == 5) {  // NAME OBJECT: uploads the bytes
    std::ifstream in(argv[4], std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    bpfwarden::v1::LoadRequest req;
    req.mutable_program_set()->set_name(argv[3]);
    req.add_object_blobs(bytes.str());
    bpfwarden::v1::LoadResponse resp;
    return Done(Programs::NewStub(channel)->Load(&ctx, req, &resp));
  }
  if (method == "attach" && argc == 6) {  // SET PROGRAM CGROUP
    bpfwarden::v1::AttachRequest req;
    req.mutable_attachment()->set_program_set(argv[3]);
    req.mutable_attachment()->set_program(argv[4]);
    req.mutable_attachment()->set_cgroup(argv[5]);
    bpfwarden::v1::AttachResponse resp;
    grpc::Status s = Attachments::NewStub(channel)->Attach(&ctx, req, &resp);
    if (s.ok()) std::cout << resp.attachment().id() << "\n";
    return Done(s);
  }
  if (method == "list-attachments" && argc == 4) {
    bpfwarden::v1::ListAttachmentsRequest req;
    req.set_cgroup(argv[3]);
    bpfwarden::v1::ListAttachmentsResponse resp;
    grpc::Status s = Attachments::NewStub(channel)->List(&ctx, req, &resp);
    for (const auto& a : resp.attachments()) std::cout << a.id() << "\n";
    return Done(s);
  }
  if (method == "unload" && (argc == 4 || argc == 5)) {
    bpfwarden::v1::UnloadRequest req;
    req.set_name(argv[3]);
    req.set_unpin_maps(argc == 5 && std::string(argv[4]) == "unpin");
    bpfwarden::v1::UnloadResponse resp;
    return Done(Programs::NewStub(channel)->Unload(&ctx, req, &resp));
  }
  if (method == "detach" && argc == 4) {
    bpfwarden::v1::DetachRequest req;
    req.set_id(argv[3]);
    bpfwarden::v1::DetachResponse resp;
    return Done(Attachments::NewStub(channel)->Detach(&ctx, req, &resp));
  }
  const auto paced_deadline =
      std::chrono::system_clock::now() + std::chrono::seconds(25);
  if (method == "dump-paced" && argc == 6) {
    bpfwarden::v1::DumpRequest req;
    *req.mutable_map() = Ref(argv);
    req.set_page_size(1);
    req.set_encoding(bpfwarden::v1::ENCODING_JSON);
    ctx.set_deadline(paced_deadline);
    auto reader = Maps::NewStub(channel)->Dump(&ctx, req);
    return Paced(*reader, argv[5]);
  }
  if (method == "watch" && argc == 6) {
    bpfwarden::v1::WatchRequest req;
    *req.mutable_map() = Ref(argv);
    req.set_interval_ms(100);
    ctx.set_deadline(paced_deadline);
    auto reader = Maps::NewStub(channel)->Watch(&ctx, req);
    return Paced(*reader, argv[5]);
  }
  if (method == "tail" && argc == 5) {
    bpfwarden::v1::TailRequest req;
    req.set_program_set(argv[3]);
    req.set_follow(true);
    ctx.set_deadline(paced_deadline);
    auto reader = Logs::NewStub(channel)->Tail(&ctx, req);
    return Paced(*reader, argv[4]);
  }
  if (method == "lookup" && argc == 6) {
    bpfwarden::v1::LookupRequest req;
    *req.mutable_map() = Ref(argv);
    req.mutable_key()->set_json(argv[5]);
    req.set_zero_fill(true);
    bpfwarden::v1::LookupResponse resp;
    grpc::Status s = Maps::NewStub(channel)->Lookup(&ctx, req, &resp);
    if (s.ok()) std::cout << resp.entry().value().json() << "\n";
    return Done(s);
  }
  if (method == "update" && argc == 7) {
    bpfwarden::v1::UpdateRequest req;
    *req.mutable_map() = Ref(argv);
    auto* entry = req.add_entries();
    entry->mutable_key()->set_json(argv[5]);
    entry->mutable_value()->set_json(argv[6]);
    req.set_zero_fill(true);
    bpfwarden::v1::UpdateResponse resp;
    return Done(Maps::NewStub(channel)->Update(&ctx, req, &resp));
  }
  if (method == "delete" && argc == 6) {
    bpfwarden::v1::DeleteRequest req;
    *req.mutable_map() = Ref(argv);
    req.add_keys()->set_json(argv[5]);
    req.set_zero_fill(true);
    bpfwarden::v1::DeleteResponse resp;
    return Done(Maps::NewStub(channel)->Delete(&ctx, req, &resp));
  }
  if (method == "dump" && argc == 5) {
    bpfwarden::v1::DumpRequest req;
    *req.mutable_map() = Ref(argv);
    auto reader = Maps::NewStub(channel)->Dump(&ctx, req);
    bpfwarden::v1::DumpResponse page;
    while (reader->Read(&page)) {
      for (const auto& e : page.entries()) {
        std::cout << e.key().json() << " " << e.value().json() << "\n";
      }
    }
    return Done(reader->Finish());
  }
  std::cerr << "api_probe: bad arguments\n";
  return 64;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
