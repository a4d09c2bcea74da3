"""Secured Kafka for end-to-end tests, made of real parts: certificates made at test time with openssl and
keytool, a Tansu broker of its own, and stunnel4 terminating TLS in front of it.

Tansu listens on one port and advertises the stunnel port, so every client connection (bootstrap and
the brokers named in metadata) goes through TLS. stunnel with `verify = 2` requires client certificates.
Tansu has no TLS listener of its own in this build, and SCRAM users do not persist in its storage engines
(docs/security.md says what that leaves untested)."""
import os
import socket
import subprocess
import time

from conftest import free_port, wait_until

VENV_BIN = os.path.dirname(os.path.realpath(os.sys.executable))


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class PKI:
    """A CA, a broker certificate for 127.0.0.1/localhost, a client certificate, and a stranger CA; the
    stores users get from their providers: a JKS trust store, PKCS12 and JKS key stores, PEM files."""
    password = "changeit"

    def __init__(self, path):
        self.dir = path
        path.mkdir(parents=True, exist_ok=True)
        (path / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        pw = self.password
        for cmd in [
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=Tributary-Test-CA",
            "openssl req -newkey rsa:2048 -nodes -keyout broker.key -out broker.csr -subj /CN=localhost",
            "openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out broker.pem -days 2 -extfile san.ext",
            "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=tributary-worker",
            "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2",
            "openssl req -x509 -newkey rsa:2048 -nodes -keyout stranger.key -out stranger.pem -days 2 -subj /CN=Stranger-CA",
            f"keytool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.jks -storetype JKS -storepass {pw}",
            f"keytool -importcert -noprompt -alias ca -file stranger.pem -keystore wrong-truststore.jks -storetype JKS -storepass {pw}",
            f"openssl pkcs12 -export -inkey client.key -in client.pem -certfile ca.pem -name worker -out keystore.p12 -passout pass:{pw}",
        ]:
            run(cmd, path)

    def __getitem__(self, name):
        return str(self.dir / name)


class TlsBroker:
    """A Tansu broker reachable only through stunnel (TLS); `mtls` makes stunnel require a client
    certificate signed by the test CA; `authentication` starts Tansu with SASL/SCRAM required."""

    def __init__(self, pki, work, mtls=False, authentication=False, tls=True):
        self.port = free_port()
        inner = free_port() if tls else self.port
        self.bootstrap = f"127.0.0.1:{self.port}"
        tansu = os.environ["TANSU_BIN"]
        args = [tansu, "broker", "--listener-url", f"tcp://127.0.0.1:{inner}",
                "--advertised-listener-url", f"tcp://127.0.0.1:{self.port}",
                "--storage-engine", f"memory://tls{self.port}/"]
        if authentication:
            args.append("--authentication")
        self.procs = [subprocess.Popen(args, stdout=open(work / f"tansu-{self.port}.log", "w"), stderr=subprocess.STDOUT)]
        if tls:
            conf = work / f"stunnel-{self.port}.conf"
            lines = ["foreground = yes", "pid =", "[kafka]", f"accept = 127.0.0.1:{self.port}",
                     f"connect = 127.0.0.1:{inner}", f"cert = {pki['broker.pem']}", f"key = {pki['broker.key']}"]
            if mtls:
                lines += ["verify = 2", f"CAfile = {pki['ca.pem']}"]
            conf.write_text("\n".join(lines) + "\n")
            self.procs.append(subprocess.Popen(["stunnel4", str(conf)], stdout=open(work / f"stunnel-{self.port}.log", "w"),
                                               stderr=subprocess.STDOUT))
        wait_until(lambda: _accepts(self.port), what=f"broker on {self.port}")

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


def _accepts(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0
