// One CLI command: how it is called, its help, and what runs it. The help,
// the man page and the bash completion are all made from these.
#ifndef BPFWARDEN_CLIENT_COMMAND_H_
#define BPFWARDEN_CLIENT_COMMAND_H_

#include <cstddef>
#include <cstdint>

#include "client/cli_common.h"

namespace bpfwarden::cli {

struct Command {
  const char* name;      // "dump"
  const char* synopsis;  // "dump SET MAP"
  const char* summary;   // one line: what it does
  const char* help;      // more lines: flags and details ("" for none)
  const char* example;   // one or more "bpfwarden ..." lines
  size_t min_args;
  size_t max_args;  // SIZE_MAX: any number
  int (*run)(const Args& args);
};

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_COMMAND_H_
