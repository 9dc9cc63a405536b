"""A real redis-server (Debian's, 7.x) for the tests of the shared tier: one
process on a free loopback port (or a Unix socket), nothing saved to disk,
stopped at the end; and a minimal RESP client to look inside it (no Python
Redis package is needed: the protocol is a few lines)."""

import os
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RespError(Exception):
    pass


class Resp:
    """A blocking RESP2 client: enough to inspect and to set up a server in tests."""

    def __init__(self, port=None, unix=None, password=None, timeout=5):
        if unix:
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.settimeout(timeout)
            self.sock.connect(unix)
        else:
            self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        if password:
            self.call("AUTH", password)

    def close(self):
        self.sock.close()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RespError("unknown reply type %r" % kind)

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def keys(self, pattern="*"):
        found, cursor = [], "0"
        while True:
            cursor, batch = self.call("SCAN", cursor, "MATCH", pattern, "COUNT", 1000)
            found += [k.decode() for k in batch]
            cursor = cursor.decode()
            if cursor == "0":
                return sorted(found)

    def dump(self, pattern="thd:*"):
        """{key: (value, ttl)} of every string key matching `pattern`."""
        out = {}
        for k in self.keys(pattern):
            if self.call("TYPE", k) == "string":
                out[k] = (self.call("GET", k), self.call("TTL", k))
        return out

    def values(self, pattern="*"):
        """{key: value} of every string key matching `pattern` (TTLs left out: they run down)."""
        return {k: v for k, (v, _) in self.dump(pattern).items()}


class RedisServer:
    """`redis-server` on 127.0.0.1:<free port> (and a Unix socket), `extra` its further settings."""

    def __init__(self, password=None, extra=()):
        self.exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.dir = tempfile.mkdtemp(prefix="thd-redis-")
        self.password = password
        self.extra = list(extra)
        self.port = None
        self.proc = None
        self.start()

    @property
    def socket_path(self):
        return os.path.join(self.dir, "redis.sock")

    def url(self, db=None, with_password=True):
        auth = ":%s@" % self.password if self.password and with_password else ""
        return "redis://%s127.0.0.1:%d%s" % (auth, self.port, "/%d" % db if db else "")

    def start(self):
        self.port = self.port or free_port()
        args = [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", self.dir, "--unixsocket", self.socket_path, "--unixsocketperm", "700",
                "--daemonize", "no", "--loglevel", "warning"] + self.extra
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                c = self.client()
                c.call("PING")
                c.close()
                return
            except (OSError, RespError):
                if self.proc.poll() is not None:
                    raise RuntimeError("redis-server exited with %s" % self.proc.returncode)
                time.sleep(0.02)
        raise RuntimeError("redis-server did not answer on port %d" % self.port)

    def client(self):
        return Resp(self.port, password=self.password)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
