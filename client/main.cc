// bpfwarden: the operators' CLI. Flags and dispatch only.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "client/arg_prepass.h"
#include "client/commands.h"

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(bpfwarden::cli::kUsage);
  std::vector<char*> args = bpfwarden::cli::PrepareArgs(argc, argv);
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
  if (positional.size() < 2) {
    std::cerr << bpfwarden::cli::kUsage;
    return 2;
  }
  return bpfwarden::cli::Run(
      positional[1],
      bpfwarden::cli::Args(positional.begin() + 2, positional.end()));
}
