"""Starts scripts/fake_services.py on a free loopback port for a test and stops it
(plain HTTP, or HTTPS with a certificate from make_certificate())."""

import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

SOURCE = os.environ.get("THD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(SOURCE, "scripts", "fake_services.py")


def make_certificate(directory):
    """A self-signed certificate for 127.0.0.1 (openssl CLI): (cert.pem, key.pem); None without openssl."""
    if not shutil.which("openssl"):
        return None
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


class FakeServer:
    def __init__(self, latency_ms=0, tls=None, realistic=False, universe=0, universe_seed=0):
        """`tls`: (cert.pem, key.pem) to serve HTTPS; the control calls then trust that certificate.
        `realistic`: start in realistic mode (--realistic); `universe`: that many synthetic instruments
        (--universe, --universe-seed)."""
        self._dir = tempfile.TemporaryDirectory(prefix="thd-fake-")
        port_file = os.path.join(self._dir.name, "port")
        argv = [sys.executable, SCRIPT, "--port", "0", "--port-file", port_file]
        if latency_ms:
            argv += ["--latency-ms", str(latency_ms)]
        if realistic:
            argv += ["--realistic"]
        if universe or universe_seed:
            argv += ["--universe", str(universe), "--universe-seed", str(universe_seed)]
        self._ctx = None
        if tls:
            argv += ["--tls-cert", tls[0], "--tls-key", tls[1]]
            self._ctx = ssl.create_default_context(cafile=tls[0])
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("fake services did not start")
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.base = "%s://127.0.0.1:%d" % ("https" if tls else "http", self.port)

    def url(self, service, path):
        return "%s/%s%s" % (self.base, service, path)

    def _post(self, path, body):
        req = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5, context=self._ctx) as r:
            return json.loads(r.read() or b"{}")

    def fault(self, **spec):
        return self._post("/__fault", spec)

    def reset(self):
        return self._post("/__reset", {})

    def stats(self):
        with urllib.request.urlopen(self.base + "/__stats", timeout=5, context=self._ctx) as r:
            return json.loads(r.read())

    def universe(self):
        """GET /__universe: the symbols the fake serves, with their kind (fake_services.py docstring)."""
        with urllib.request.urlopen(self.base + "/__universe", timeout=5, context=self._ctx) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._dir.cleanup()
