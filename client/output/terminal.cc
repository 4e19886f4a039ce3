#include "client/output/terminal.h"

#include <sys/ioctl.h>

#include <cstdlib>

#include "absl/strings/numbers.h"

namespace bpfwarden::cli::output {

int TerminalWidth(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  const char* columns = std::getenv("COLUMNS");
  int width = 0;
  if (columns != nullptr && absl::SimpleAtoi(columns, &width) && width > 0) {
    return width;
  }
  return 80;
}

}  // namespace bpfwarden::cli::output
