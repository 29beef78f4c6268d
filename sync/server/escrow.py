"""Key escrow: a device's vault key, kept so a forgotten passphrase loses nothing.

The key is stored encrypted (AES-GCM) under the service's escrow key, which
comes from configuration — the environment or a 0600 file in the service's
data directory — and never from the database. The device id is bound in as
associated data, so a blob cannot be replayed for another device.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENV_KEY = "CENTRAL_RECORD_ESCROW_KEY"


class EscrowError(Exception):
    pass


def load_server_key(data_dir: Path) -> bytes:
    env = os.environ.get(ENV_KEY)
    if env:
        key = base64.b64decode(env)
        if len(key) != 32:
            raise EscrowError(f"{ENV_KEY} must be 32 bytes, base64-encoded")
        return key
    path = data_dir / "escrow.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
    key = path.read_bytes()
    if len(key) != 32:
        raise EscrowError(f"{path} must hold exactly 32 bytes")
    return key


def seal(server_key: bytes, device_id: str, escrow_b64: str) -> bytes:
    try:
        data_key = base64.b64decode(escrow_b64, validate=True)
    except ValueError:
        raise EscrowError("escrow_key must be base64") from None
    if len(data_key) != 32:
        raise EscrowError("escrow_key must be a 32-byte key")
    nonce = os.urandom(12)
    return nonce + AESGCM(server_key).encrypt(nonce, data_key, device_id.encode())


def open_sealed(server_key: bytes, device_id: str, blob: bytes) -> str:
    try:
        key = AESGCM(server_key).decrypt(blob[:12], blob[12:], device_id.encode())
    except InvalidTag:
        raise EscrowError("the escrowed key cannot be opened with this service's key") from None
    return base64.b64encode(key).decode()
