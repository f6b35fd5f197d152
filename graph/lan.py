"""This computer's address on the local network, and the room's link as a QR code drawn offline."""
from __future__ import annotations

import ipaddress
import io
import socket

import segno

# Any private address will do: connecting a UDP socket sends nothing, it only asks the
# system which interface (and so which address) would carry a packet there.
_PROBE = ("10.255.255.254", 9)
LOOPBACK_NAMES = {"localhost", ""}


def is_loopback(address: str) -> bool:
    """True for 127.x, ::1 and "localhost": an address only this computer can reach."""
    if address in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def is_wildcard(address: str) -> bool:
    """True for 0.0.0.0 and ::, which listen on every interface."""
    try:
        return ipaddress.ip_address(address).is_unspecified
    except ValueError:
        return False


def lan_address() -> str | None:
    """The IPv4 address other devices on the network reach this computer at, or None when it has none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE)
            address = probe.getsockname()[0]
        if not is_loopback(address) and not is_wildcard(address):
            return address
    except OSError:
        pass
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    return next((info[4][0] for info in infos if not is_loopback(info[4][0])), None)


def room_url(address: str, port: int) -> str:
    """The link participants open: http://address:port/ (IPv6 addresses in brackets)."""
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:{port}/"


def qr_png(text: str, *, scale: int = 10) -> bytes:
    """`text` as a QR code PNG (error correction M: still reads from a projector at an angle)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
