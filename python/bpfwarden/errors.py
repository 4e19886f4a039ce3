"""Exceptions: one class per gRPC status code, carrying the daemon's message."""
from __future__ import annotations

from typing import Dict, Optional, Type

import grpc


class Error(Exception):
    """An error from bpfwardend (or from talking to it).

    Attributes:
        code: the gRPC status code.
        message: the daemon's message, e.g. "Maps.Update on map
            bpfwarden/tcp_tune_counters: permission denied (write access
            required)".
    """

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str, code: Optional[grpc.StatusCode] = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class Cancelled(Error):
    code = grpc.StatusCode.CANCELLED


class Unknown(Error):
    code = grpc.StatusCode.UNKNOWN


class InvalidArgument(Error, ValueError):
    """The request was malformed: a key or value that does not fit the map's
    layout, a raw key of the wrong size, an out-of-range interval."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class DeadlineExceeded(Error, TimeoutError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class NotFound(Error, LookupError):
    """No such key, map, program set or attachment."""

    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(Error):
    code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDenied(Error):
    """The policy does not grant the caller this operation on this map."""

    code = grpc.StatusCode.PERMISSION_DENIED


class ResourceExhausted(Error):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPrecondition(Error):
    code = grpc.StatusCode.FAILED_PRECONDITION


class Aborted(Error):
    code = grpc.StatusCode.ABORTED


class OutOfRange(Error):
    code = grpc.StatusCode.OUT_OF_RANGE


class Unimplemented(Error):
    code = grpc.StatusCode.UNIMPLEMENTED


class Internal(Error):
    code = grpc.StatusCode.INTERNAL


class Unavailable(Error):
    """The daemon cannot be reached (not running, or the socket refuses the
    caller), or it is shutting down."""

    code = grpc.StatusCode.UNAVAILABLE


class DataLoss(Error):
    code = grpc.StatusCode.DATA_LOSS


class Unauthenticated(Error):
    code = grpc.StatusCode.UNAUTHENTICATED


_BY_CODE: Dict[grpc.StatusCode, Type[Error]] = {
    cls.code: cls
    for cls in (Cancelled, Unknown, InvalidArgument, DeadlineExceeded,
                NotFound, AlreadyExists, PermissionDenied, ResourceExhausted,
                FailedPrecondition, Aborted, OutOfRange, Unimplemented,
                Internal, Unavailable, DataLoss, Unauthenticated)
}


def error_for(code: grpc.StatusCode, message: str) -> Error:
    """The exception for `code` carrying `message`."""
    return _BY_CODE.get(code, Error)(message, code)


def from_rpc_error(e: grpc.RpcError) -> Error:
    """The exception for a failed call."""
    code = e.code() if hasattr(e, "code") else grpc.StatusCode.UNKNOWN
    details = e.details() if hasattr(e, "details") else str(e)
    return error_for(code, details or code.name)


def from_code_number(number: int, message: str) -> Error:
    """The exception for a numeric status code (LookupResult.code)."""
    for code in grpc.StatusCode:
        if code.value[0] == number:
            return error_for(code, message)
    return Error(message)
