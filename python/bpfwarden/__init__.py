"""Client of bpfwardend, the bpfwarden daemon (gRPC API bpfwarden.v1).

    import bpfwarden
    with bpfwarden.Client() as c:             # /run/bpfwarden/api.sock
        for key, value in c.dump("bpfwarden", "tcp_stats"):
            print(key["remote_addr"], value)
"""
from bpfwarden.client import DEFAULT_SOCKET, Client, Stream
from bpfwarden.errors import (Aborted, AlreadyExists, Cancelled, DataLoss,
                              DeadlineExceeded, Error, FailedPrecondition,
                              Internal, InvalidArgument, NotFound, OutOfRange,
                              PermissionDenied, ResourceExhausted,
                              Unauthenticated, Unavailable, Unimplemented,
                              Unknown)
from bpfwarden.types import (Attachment, Change, Field, KernelFeature,
                             LogCounts, LogLevel, LogRecord, Map, Program,
                             ProgramSet, Status, UpdateFlag, WatchUpdate)

__version__ = "0.1.0"

__all__ = [
    "Aborted", "AlreadyExists", "Attachment", "Cancelled", "Change", "Client",
    "DEFAULT_SOCKET", "DataLoss", "DeadlineExceeded", "Error",
    "FailedPrecondition", "Field", "Internal", "InvalidArgument",
    "KernelFeature", "LogCounts", "LogLevel", "LogRecord", "Map", "NotFound",
    "OutOfRange", "PermissionDenied", "Program", "ProgramSet",
    "ResourceExhausted", "Status", "Stream", "Unauthenticated", "Unavailable",
    "Unimplemented", "Unknown", "UpdateFlag", "WatchUpdate",
]
