// Every API call, counted: a gRPC server interceptor that records each
// call's method, status code and latency into metrics::ApiStats when the
// status is sent (denied and unauthenticated calls included).
#ifndef BPFWARDEN_DAEMON_API_RPC_STATS_INTERCEPTOR_H_
#define BPFWARDEN_DAEMON_API_RPC_STATS_INTERCEPTOR_H_

#include <memory>
#include <string>
#include <vector>

#include "daemon/metrics/api_stats.h"
#include "grpcpp/support/server_interceptor.h"

namespace bpfwarden::api {

// The full names ("/bpfwarden.v1.Maps/Lookup") of every method of the
// bpfwarden.v1 services and the health service.
std::vector<std::string> ApiMethodNames();

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
RpcStatsInterceptorFactory(metrics::ApiStats* stats);

}  // namespace bpfwarden::api

#endif  // BPFWARDEN_DAEMON_API_RPC_STATS_INTERCEPTOR_H_
