// The /metrics HTTP listener, served by GNU libmicrohttpd (one internal
// thread: scrapes are served one at a time, which bounds what they cost).
#ifndef BPFWARDEN_DAEMON_METRICS_HTTP_SERVER_H_
#define BPFWARDEN_DAEMON_METRICS_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

struct MHD_Daemon;

namespace bpfwarden::metrics {

// Renders the exposition text of one scrape.
using ScrapeHandler = std::function<std::string()>;

// What clients may hold of the listener. A connection over a limit is
// accepted and closed at once.
struct HttpLimits {
  unsigned int max_connections = 16;        // all clients together
  unsigned int max_connections_per_ip = 4;  // one client address
  unsigned int idle_timeout_seconds = 30;   // a connection sending nothing
};

class HttpServer {
 public:
  // Listens on `address` ("127.0.0.1:9469", "[::1]:9469", port 0: any free
  // one) and answers GET /metrics with `handler`'s text; other paths are
  // 404, other methods 405. InvalidArgument for an address that does not
  // parse or a limit of 0; the bind's error otherwise.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const std::string& address, const HttpLimits& limits,
      ScrapeHandler handler);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  // Stops listening and waits for a scrape in progress.
  ~HttpServer();

  int port() const { return port_; }
  // Whether the address listened on is a loopback one (127.0.0.0/8, ::1).
  bool loopback() const { return loopback_; }
  // One scrape's text (the libmicrohttpd callback calls it).
  std::string Scrape() const { return handler_(); }

 private:
  explicit HttpServer(ScrapeHandler handler) : handler_(std::move(handler)) {}

  ScrapeHandler handler_;
  struct MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
  bool loopback_ = false;
};

}  // namespace bpfwarden::metrics

#endif  // BPFWARDEN_DAEMON_METRICS_HTTP_SERVER_H_
