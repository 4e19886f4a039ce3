// One Maps.Watch from the command line, for the test that runs it as
// another uid: `watch_probe SOCKET SET MAP` reads the first message and
// prints "OK <changes>" or "<code> <message>"; exit 0 either way.
#include <chrono>
#include <iostream>

#include "grpcpp/grpcpp.h"
#include "bpfwarden/v1/api.grpc.pb.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: watch_probe SOCKET SET MAP\n";
    return 2;
  }
  auto channel = grpc::CreateChannel(std::string("unix:") + argv[1],
                                     grpc::InsecureChannelCredentials());
  auto maps = bpfwarden::v1::Maps::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  bpfwarden::v1::WatchRequest req;
  req.mutable_map()->set_program_set(argv[2]);
  req.mutable_map()->set_map(argv[3]);
  req.set_interval_ms(100);
  auto reader = maps->Watch(&ctx, req);
  bpfwarden::v1::WatchResponse resp;
  if (reader->Read(&resp)) {
    std::cout << "OK " << resp.changes_size() << "\n";
    ctx.TryCancel();
    reader->Finish();
    return 0;
  }
  grpc::Status status = reader->Finish();
  std::cout << status.error_code() << " " << status.error_message() << "\n";
  return 0;
}
