"""libFuzzer targets: built only with --config=fuzz (clang), never by //...."""

def bpfwarden_fuzzer(name, srcs, deps = [], corpus = None):
    """A libFuzzer binary `name` with its seed corpus in corpus/<name>/.

    Tagged manual: gcc cannot link -fsanitize=fuzzer, so only tools/test's
    fuzz step (bazel build --config=fuzz) builds it.
    """
    native.cc_binary(
        name = name,
        testonly = True,
        srcs = srcs,
        deps = deps,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual", "fuzz"],
    )
    native.filegroup(
        name = name + "_corpus",
        srcs = native.glob(["corpus/" + name + "/*"]),
        tags = ["manual"],
    )
