"""A network guard for the test suite: any non-loopback connection fails loudly.

The course must run with no network. ``install()`` wraps ``socket.socket.connect``,
``connect_ex``, ``sendto`` and ``socket.getaddrinfo`` so that only loopback addresses and Unix
sockets work; anything else raises :class:`NetworkBlocked` (an ``OSError``, as a real outage
would) and prints a line to stderr. ``COURSE_ALLOW_NETWORK=1`` turns the guard off.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

_LOCAL_NAMES = {None, "", "localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkBlocked(OSError):
    """A test tried to reach the network."""


def _is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if host in _LOCAL_NAMES or host == socket.gethostname():
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: object) -> bool:
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else str(host))
        return True
    except ValueError:
        return False


def _refuse(what: str) -> NetworkBlocked:
    message = (
        f"network guard: {what} was blocked; the course and its tests must run offline "
        "(set COURSE_ALLOW_NETWORK=1 to lift the guard)"
    )
    print(message, file=sys.stderr)
    return NetworkBlocked(message)


def install() -> bool:
    """Install the guard in this process (once). Returns False when the guard is disabled."""
    if os.environ.get("COURSE_ALLOW_NETWORK") == "1":
        return False
    if getattr(socket, "_course_guarded", False):
        return True
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_sendto, real_getaddrinfo = socket.socket.sendto, socket.getaddrinfo

    def allowed(sock: socket.socket, address: object) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return True  # Unix sockets and the like
        return _is_loopback(address[0] if isinstance(address, tuple) else address)

    def connect(self, address):
        if not allowed(self, address):
            raise _refuse(f"connect to {address!r}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if not allowed(self, address):
            raise _refuse(f"connect to {address!r}")
        return real_connect_ex(self, address)

    def sendto(self, data, *args):
        address = args[-1]
        if not allowed(self, address):
            raise _refuse(f"sendto {address!r}")
        return real_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if not (_is_loopback(host) or _is_ip_literal(host)):  # a literal needs no lookup
            raise _refuse(f"name lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.socket.sendto, socket.getaddrinfo = sendto, getaddrinfo
    socket._course_guarded = True
    return True
