// A test's HTTP GET on loopback (HTTP/1.0, the body read to the close):
// enough to scrape /metrics and to ask Prometheus's API.
#ifndef BPFWARDEN_TESTS_METRICS_HTTP_GET_H_
#define BPFWARDEN_TESTS_METRICS_HTTP_GET_H_

#include <string>

#include "absl/status/statusor.h"
#include "daemon/base/unique_fd.h"

namespace bpfwarden::testing {

struct HttpResponse {
  int status = 0;
  std::string headers;
  std::string body;
};

// GET http://127.0.0.1:<port><target>, within 60 s, from `source` (an
// address of the loopback net, 127.0.0.0/8: a second client address on
// one host).
absl::StatusOr<HttpResponse> HttpGet(int port, const std::string& target,
                                     const std::string& source = "127.0.0.1");

// A TCP connection from `source` to 127.0.0.1:<port>, nothing sent.
absl::StatusOr<UniqueFd> ConnectFrom(const std::string& source, int port);

// "a b" -> "a%20b": every byte but [A-Za-z0-9_.~-] escaped.
std::string UrlEncode(const std::string& text);

// A TCP port on 127.0.0.1 that was free a moment ago.
absl::StatusOr<int> FreeLoopbackPort();

}  // namespace bpfwarden::testing

#endif  // BPFWARDEN_TESTS_METRICS_HTTP_GET_H_
