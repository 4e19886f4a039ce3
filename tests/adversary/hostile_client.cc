// hostile_client: runs one table of the adversarial suite as the uid it
// runs as, one call at a time, and prints one line per call:
//
//   hostile_client SOCKET warmup|hostile CGROUP SOCKOPS_OBJ HOOKS_OBJ [root]
//   NAME<TAB>CODE<TAB>MESSAGE      (CODE: grpc::StatusCode as a number;
//                                   MESSAGE C-escaped, on one line)
//
// With `root`, the calls that would change state for root are left out.
// With HOSTILE_ONLY=PREFIX in the environment, only the calls whose names
// start with PREFIX run (to look at one part of the table by hand).
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tests/adversary/hostile_calls.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bpfwarden::adversary;
  if (argc != 6 && argc != 7) {
    std::cerr << "usage: hostile_client SOCKET warmup|hostile CGROUP "
                 "SOCKOPS_OBJ HOOKS_OBJ [root]\n";
    return 64;
  }
  const std::string table = argv[2];
  const bool root = argc == 7 && std::string(argv[6]) == "root";
  Target target{argv[3], ReadFile(argv[4]), ReadFile(argv[5])};
  if (target.sockops_blob.empty() || target.hooks_blob.empty()) {
    std::cerr << "hostile_client: cannot read the objects\n";
    return 66;
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  Stubs stubs(grpc::CreateCustomChannel(std::string("unix:") + argv[1],
                                        grpc::InsecureChannelCredentials(),
                                        args));
  std::vector<Call> calls =
      table == "warmup" ? WarmupCalls(target) : HostileCalls(target);
  const char* only = std::getenv("HOSTILE_ONLY");
  for (Call& call : calls) {
    if (root && call.not_for_root) continue;
    if (only != nullptr && call.name.rfind(only, 0) != 0) continue;
    grpc::Status got = call.run(stubs);
    std::cout << call.name << "\t" << static_cast<int>(got.error_code())
              << "\t" << absl::CHexEscape(got.error_message()) << std::endl;
  }
  return 0;
}
