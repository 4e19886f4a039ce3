// The --api_* flags of bpfwardend.
#include <cstdlib>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "daemon/api/server.h"

ABSL_FLAG(std::string, api_socket, "/run/bpfwarden/api.sock",
          "Unix socket of the gRPC API; empty: none");
ABSL_FLAG(std::string, api_socket_mode, "0660",
          "permissions of the API socket (octal)");
ABSL_FLAG(std::string, api_socket_group, "bpfwarden",
          "group owning the API socket (its members may connect)");
ABSL_FLAG(std::string, api_tls_address, "",
          "host:port of an additional mutual-TLS API listener; empty: none");
ABSL_FLAG(std::string, api_tls_cert, "", "TLS server certificate (PEM)");
ABSL_FLAG(std::string, api_tls_key, "", "TLS server key (PEM)");
ABSL_FLAG(std::string, api_tls_client_ca, "",
          "CA bundle (PEM) that API client certificates must chain to");
ABSL_FLAG(int, api_max_message_bytes, 16 << 20,
          "largest API request or response");
ABSL_FLAG(int, api_max_batch, 1024, "most entries in one Update or Delete");
ABSL_FLAG(int, api_max_threads, 64, "most threads serving API calls");
ABSL_FLAG(int, api_max_streams_per_caller, 8,
          "most Dump streams one uid or certificate may hold at once");

namespace bpfwarden::api {

absl::StatusOr<ApiServerOptions> ApiServerOptionsFromFlags() {
  ApiServerOptions options;
  options.unix_socket.path = absl::GetFlag(FLAGS_api_socket);
  std::string mode_text = absl::GetFlag(FLAGS_api_socket_mode);
  char* end = nullptr;
  unsigned long mode = std::strtoul(mode_text.c_str(), &end, 8);
  if (mode_text.empty() || *end != '\0' || mode > 0777) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--api_socket_mode=", mode_text, ": not an octal mode like 0660"));
  }
  options.unix_socket.mode = static_cast<mode_t>(mode);
  options.unix_socket.group = absl::GetFlag(FLAGS_api_socket_group);
  options.tls_address = absl::GetFlag(FLAGS_api_tls_address);
  options.tls_cert_file = absl::GetFlag(FLAGS_api_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_api_tls_key);
  options.tls_client_ca_file = absl::GetFlag(FLAGS_api_tls_client_ca);
  options.limits.max_message_bytes =
      std::max(4096, absl::GetFlag(FLAGS_api_max_message_bytes));
  options.limits.max_batch = std::max(1, absl::GetFlag(FLAGS_api_max_batch));
  options.max_threads = std::max(4, absl::GetFlag(FLAGS_api_max_threads));
  // Half the threads at most stream; the rest always serve unary calls.
  options.limits.max_streams = options.max_threads / 2;
  options.limits.max_streams_per_principal =
      std::max(1, absl::GetFlag(FLAGS_api_max_streams_per_caller));
  return options;
}

}  // namespace bpfwarden::api
