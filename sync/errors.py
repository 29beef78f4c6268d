"""Errors shared by both ends of the wire (no Qt, no desktop imports)."""

from __future__ import annotations


class RecordInvalid(ValueError):
    """A record's data breaks its kind's schema or rules.

    ``field`` is the dotted path of the offending field (``"" `` for the whole
    record); ``message`` is a plain sentence safe to show a worker — it names
    the field and the allowed values, never the rejected content.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class SyncError(Exception):
    """An expected failure talking to the central record, with a plain message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ServerUnreachable(SyncError):
    """No answer: offline, wrong address, or the service is down."""


class NoNetwork(ServerUnreachable):
    """This laptop has no network at all (no route, no name server answering),
    as opposed to the central record not answering."""


class CertificateProblem(SyncError):
    """TLS verification failed."""


class SignInRefused(SyncError):
    """Wrong worker name or password."""


class RateLimited(SyncError):
    """Too many failed sign-ins for now."""


class DeviceRevoked(SyncError):
    """The central record has revoked this device: wipe it."""


class ClientTooOld(SyncError):
    """This laptop's Caseworker is older than the council's policy allows:
    update it; nothing on the laptop is touched."""


class ServerRejected(SyncError):
    """The central record refused the request."""


class CursorAhead(ServerRejected):
    """The feed refused this laptop's cursor as ahead of anything it handed
    out: the central record was restored from an older backup."""


class SignInNeeded(SyncError):
    """The council wants the worker to sign in with its identity provider
    again before this laptop syncs (`sign_in_needed`): nothing on the laptop
    is touched, recording goes on, sync resumes after the sign-in."""


class RecoveryCodeNeeded(SyncError):
    """Password recovery needs the one-time code the council's
    administrator gives out (`recovery_code_needed`)."""


class PasswordSignInOff(SyncError):
    """The council signs workers in with its identity provider only
    (`password_sign_in_off`)."""
