"""bpfwarden.Client over the daemon's mutual-TLS listener: the client
certificate is the identity the policy sees; a certificate from another CA
gets no connection. Certificates are made at test time with openssl(1)."""
import re
import shutil
import subprocess

import pytest

import bpfwarden

POLICY = """
policy {
  program_set: "bpfwarden"
  map: "tcp_tune_*"
  principals: "cert:CN=robot"
  allow: READ
}
"""


def make_certificates(d, prefix):
    """A CA, a server certificate for bpfwardend.test, and a client
    certificate CN=robot, as d/<prefix>-*.pem."""
    p = f"{d}/{prefix}"
    script = f"""set -e
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN={prefix}-ca \
  -keyout {p}-ca.key -out {p}-ca.pem
openssl req -newkey rsa:2048 -nodes -subj /CN=bpfwardend.test \
  -keyout {p}-server.key -out {p}-server.csr
printf 'subjectAltName=DNS:bpfwardend.test\\n' > {p}-server.ext
openssl x509 -req -in {p}-server.csr -CA {p}-ca.pem -CAkey {p}-ca.key \
  -CAcreateserial -days 1 -extfile {p}-server.ext -out {p}-server.pem
openssl req -newkey rsa:2048 -nodes -subj /O=bpfwarden-test/CN=robot \
  -keyout {p}-client.key -out {p}-client.csr
openssl x509 -req -in {p}-client.csr -CA {p}-ca.pem -CAkey {p}-ca.key \
  -CAcreateserial -days 1 -out {p}-client.pem
"""
    done = subprocess.run(["bash", "-c", script], capture_output=True,
                          text=True, cwd=d)
    assert done.returncode == 0, done.stderr


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_client_certificate_is_the_identity(make_daemon, tmp_path):
    if shutil.which("openssl") is None:
        pytest.fail("openssl is missing (tools/setup installs it)")
    make_certificates(tmp_path, "good")
    make_certificates(tmp_path, "evil")
    c = str(tmp_path)
    daemon = make_daemon("tls", POLICY, [
        "--api_tls_address=127.0.0.1:0",
        f"--api_tls_cert={c}/good-server.pem",
        f"--api_tls_key={c}/good-server.key",
        f"--api_tls_client_ca={c}/good-ca.pem"])
    port = re.search(r"\(port (\d+)\)", daemon.log())
    assert port, daemon.log()
    address = f"127.0.0.1:{port.group(1)}"

    def client(prefix):
        return bpfwarden.Client(
            address=address, root_certificates=read(f"{c}/good-ca.pem"),
            private_key=read(f"{c}/{prefix}-client.key"),
            certificate_chain=read(f"{c}/{prefix}-client.pem"),
            server_name="bpfwardend.test", timeout=10)

    with daemon.client() as root:
        root.update("bpfwarden", "tcp_tune_counters", {"rule_id": 3},
                    {"matched": 5}, zero_fill=True)
    with client("good") as good:
        caller = good.status().caller
        assert caller.startswith("cert:") and "CN=robot" in caller, caller
        assert good.lookup("bpfwarden", "tcp_tune_counters",
                           {"rule_id": 3})["matched"] == 5
        with pytest.raises(bpfwarden.PermissionDenied,
                           match="write access required"):
            good.update("bpfwarden", "tcp_tune_counters", {"rule_id": 3},
                        {"matched": 6}, zero_fill=True)
    with client("evil") as evil:
        with pytest.raises(bpfwarden.Unavailable):
            evil.status()
