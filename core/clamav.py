"""A client for a ClamAV daemon (clamd), speaking its INSTREAM protocol over
TCP: the command, then the file in chunks each led by its length as four
big-endian bytes, then a zero length; clamd answers "stream: OK" or
"stream: <signature> FOUND" (or an error such as a size limit).

Used only when settings.CLAMAV_HOST is set (the `clamav` service in
docker-compose). Anything but a clear "OK" is a failure the caller refuses
the file for: fail closed.
"""

import socket
import struct
from collections.abc import Iterable

CHUNK = 64 * 1024


class VirusScanError(Exception):
    """The scanner could not be reached or did not give a clear answer."""


class VirusFoundError(Exception):
    def __init__(self, signature: str):
        super().__init__(signature)
        self.signature = signature


def clamd_instream_scan(chunks: Iterable[bytes], *, host: str, port: int, timeout: float = 30.0) -> None:
    """Send the file to clamd; return if it is clean, else raise
    VirusFoundError (a signature matched) or VirusScanError (anything else)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                for start in range(0, len(chunk), CHUNK):
                    part = chunk[start : start + CHUNK]
                    sock.sendall(struct.pack(">I", len(part)) + part)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
                if len(reply) > 4096:
                    break
    except OSError as exc:
        raise VirusScanError(f"clamd at {host}:{port}: {exc}") from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith(" OK") or answer == "stream: OK":
        return
    if answer.endswith(" FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        raise VirusFoundError(signature or "unknown")
    raise VirusScanError(f"clamd at {host}:{port} answered {answer[:200]!r}")
