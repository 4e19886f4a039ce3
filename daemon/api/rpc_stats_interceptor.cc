#include "daemon/api/rpc_stats_interceptor.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "bpfwarden/v1/api.pb.h"  // links the services' descriptors in

namespace bpfwarden::api {
namespace {

namespace gx = grpc::experimental;

class RpcStatsInterceptor : public gx::Interceptor {
 public:
  RpcStatsInterceptor(metrics::ApiStats* stats, const char* method)
      : stats_(stats), method_(method), start_(absl::Now()) {}

  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            gx::InterceptionHookPoints::PRE_SEND_STATUS)) {
      stats_->RecordCall(method_, methods->GetSendStatus().error_code(),
                         absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  metrics::ApiStats* const stats_;
  const char* const method_;  // the server's, alive as long as the call
  const absl::Time start_;
};

class Factory : public gx::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(metrics::ApiStats* stats) : stats_(stats) {}
  gx::Interceptor* CreateServerInterceptor(gx::ServerRpcInfo* info) override {
    return new RpcStatsInterceptor(stats_, info->method());
  }

 private:
  metrics::ApiStats* const stats_;
};

}  // namespace

std::vector<std::string> ApiMethodNames() {
  std::vector<std::string> names;
  const google::protobuf::FileDescriptor* file =
      v1::MapInfo::descriptor()->file();
  for (int s = 0; s < file->service_count(); ++s) {
    const google::protobuf::ServiceDescriptor* service = file->service(s);
    for (int m = 0; m < service->method_count(); ++m) {
      names.push_back(
          absl::StrCat("/", service->full_name(), "/", service->method(m)->name()));
    }
  }
  names.push_back("/grpc.health.v1.Health/Check");
  names.push_back("/grpc.health.v1.Health/Watch");
  return names;
}

std::unique_ptr<gx::ServerInterceptorFactoryInterface>
RpcStatsInterceptorFactory(metrics::ApiStats* stats) {
  return std::make_unique<Factory>(stats);
}

}  // namespace bpfwarden::api
