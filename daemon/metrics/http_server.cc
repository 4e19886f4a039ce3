#include "daemon/metrics/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "daemon/base/errno_status.h"
#include "daemon/metrics/text_format.h"

namespace bpfwarden::metrics {
namespace {

struct ParsedAddress {
  sockaddr_storage storage{};
  bool v6 = false;
  bool loopback = false;
};

absl::StatusOr<ParsedAddress> ParseAddress(const std::string& address) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "metrics address \"", address,
        "\": want host:port, e.g. 127.0.0.1:9469 or [::1]:9469"));
  };
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad();
  std::string host = address.substr(0, colon);
  uint32_t port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port > 65535) {
    return bad();
  }
  ParsedAddress out;
  if (host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    auto* sa = reinterpret_cast<sockaddr_in6*>(&out.storage);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(port);
    if (inet_pton(AF_INET6, host.c_str(), &sa->sin6_addr) != 1) return bad();
    out.v6 = true;
    out.loopback = IN6_IS_ADDR_LOOPBACK(&sa->sin6_addr);
    return out;
  }
  auto* sa = reinterpret_cast<sockaddr_in*>(&out.storage);
  sa->sin_family = AF_INET;
  sa->sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &sa->sin_addr) != 1) return bad();
  out.loopback = (ntohl(sa->sin_addr.s_addr) >> 24) == 127;
  return out;
}

MHD_Result Reply(MHD_Connection* connection, unsigned int code,
                 const std::string& body, const char* type) {
  MHD_Response* response = MHD_create_response_from_buffer(
      body.size(), const_cast<char*>(body.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  const MHD_Result result = MHD_queue_response(connection, code, response);
  MHD_destroy_response(response);
  return result;
}

MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url,
                     const char* method, const char* /*version*/,
                     const char* /*upload_data*/, size_t* upload_data_size,
                     void** /*con_cls*/) {
  if (*upload_data_size != 0) {
    *upload_data_size = 0;  // a body is not wanted; ignore it
    return MHD_YES;
  }
  const bool get = std::strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
                   std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
  if (std::strcmp(url, "/metrics") != 0) {
    return Reply(connection, MHD_HTTP_NOT_FOUND, "only /metrics is served\n",
                 "text/plain");
  }
  if (!get) {
    return Reply(connection, MHD_HTTP_METHOD_NOT_ALLOWED,
                 "/metrics answers GET only\n", "text/plain");
  }
  const auto* server = static_cast<const HttpServer*>(cls);
  return Reply(connection, MHD_HTTP_OK, server->Scrape(), kTextContentType);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const std::string& address, const HttpLimits& limits,
    ScrapeHandler handler) {
  absl::StatusOr<ParsedAddress> parsed = ParseAddress(address);
  if (!parsed.ok()) return parsed.status();
  if (limits.max_connections == 0 || limits.max_connections_per_ip == 0 ||
      limits.idle_timeout_seconds == 0) {
    return absl::InvalidArgumentError(
        "metrics: connection limits and the idle timeout must be at least 1");
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(handler)));
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
  if (parsed->v6) flags |= MHD_USE_IPv6;
  errno = 0;
  server->daemon_ = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &OnRequest, server.get(),
      MHD_OPTION_SOCK_ADDR, reinterpret_cast<sockaddr*>(&parsed->storage),
      MHD_OPTION_CONNECTION_LIMIT, limits.max_connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, limits.max_connections_per_ip,
      MHD_OPTION_CONNECTION_TIMEOUT, limits.idle_timeout_seconds,
      MHD_OPTION_END);
  if (server->daemon_ == nullptr) {
    return ErrnoStatus(errno != 0 ? errno : EADDRINUSE,
                       absl::StrCat("listen for /metrics on ", address));
  }
  const MHD_DaemonInfo* info =
      MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info != nullptr ? info->port : 0;
  server->loopback_ = parsed->loopback;
  return server;
}

HttpServer::~HttpServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}
}  // namespace bpfwarden::metrics
