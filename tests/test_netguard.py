"""The network guard: child processes (notebook kernels among them) cannot reach the network."""

import socket
import subprocess
import sys

import pytest
from course_netguard import NetworkBlocked


def test_guard_blocks_this_process():
    with pytest.raises(NetworkBlocked, match="network guard: connect to .*blocked"):
        socket.create_connection(("93.184.216.34", 80), timeout=2)
    with pytest.raises(NetworkBlocked, match="name lookup of 'example.com'"):
        socket.getaddrinfo("example.com", 443)


def test_guard_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=5):
        accepted, _ = server.accept()  # the backlog already holds the connection
        accepted.close()
    server.close()


def test_child_processes_load_the_guard():
    code = ("import socket\n"
            "try:\n"
            "    socket.create_connection(('1.1.1.1', 443), timeout=2)\n"
            "except OSError as error:\n"
            "    print(type(error).__name__)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "NetworkBlocked", result.stderr
    assert "network guard" in result.stderr
