// The width of the terminal the CLI prints to.
#ifndef BPFWARDEN_CLIENT_OUTPUT_TERMINAL_H_
#define BPFWARDEN_CLIENT_OUTPUT_TERMINAL_H_

namespace bpfwarden::cli::output {

// Columns of the terminal on `fd` (TIOCGWINSZ), else $COLUMNS, else 80.
int TerminalWidth(int fd = 1);

}  // namespace bpfwarden::cli::output

#endif  // BPFWARDEN_CLIENT_OUTPUT_TERMINAL_H_
