"""C++ code generation for .proto files with Debian's protoc and grpc_cpp_plugin.

cc_grpc_library(name, srcs, deps, grpc) runs protoc over `srcs` and wraps
the generated message code, and with grpc = True the service stubs, in a
cc_library. Import paths are relative to the calling package's directory, so
that they follow the protobuf package: in //proto, "bpfwarden/v1/api.proto"
(the file proto/bpfwarden/v1/api.proto), and C++ includes
"bpfwarden/v1/api.pb.h". `deps` are other cc_grpc_library targets of the same
package whose .proto files the sources import.
"""

def cc_grpc_library(name, srcs, deps = [], grpc = True, visibility = None):
    outs = []
    for src in srcs:
        stem = src[:-len(".proto")]
        outs += [stem + ".pb.h", stem + ".pb.cc"]
        if grpc:
            outs += [stem + ".grpc.pb.h", stem + ".grpc.pb.cc"]

    native.filegroup(
        name = name + "_protos",
        srcs = srcs + [d + "_protos" for d in deps],
        visibility = visibility,
    )

    plugin = ""
    if grpc:
        plugin = " --grpc_out=$(GENDIR) --plugin=protoc-gen-grpc=$$(command -v grpc_cpp_plugin)"
    pkg = native.package_name()
    native.genrule(
        name = name + "_gen",
        srcs = srcs + [d + "_protos" for d in deps],
        outs = outs,
        cmd = "protoc -I" + pkg + " --cpp_out=$(GENDIR)/" + pkg +
              plugin.replace("$(GENDIR)", "$(GENDIR)/" + pkg) + " " +
              " ".join(["$(location " + s + ")" for s in srcs]),
    )

    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = ["."],
        # Message-only libraries (grpc = False) do not pull gRPC in: the
        # daemon core depends on the config messages and must not see gRPC.
        deps = deps + ["//third_party:protobuf"] +
               (["//third_party:grpc"] if grpc else []),
        visibility = visibility,
    )
