"""Nothing leaves the machine, native code included. Ingest (into the embedded Chroma and into a
`chroma run` server), eval, ask and the app (a question asked over Streamlit's own protocol) run
under `strace -f`, which records every connect, and every send to an address, of every thread and
child process, whichever library or language makes it. Any connection to an address other than
loopback fails the test, and so does any DNS query: a connection or send to port 53 (loopback
included), to systemd-resolved's socket, or a host request to nscd. The socket guard inside
Python (test_offline_integration.py) cannot see native code, so onnxruntime's telemetry (C++)
slipped past it, and AppTest never runs the server's start-up, where Streamlit looked up
checkip.amazonaws.com."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
from conftest import CORPUS, ROOT
from streamlit_session import ChatSession

QUESTION = "Who holds the power to inspect schools?"
GOLD = """\
- id: q001
  question: Who holds the power to inspect schools?
  category: power
  answerable: true
  must_include: [["Ofsted"]]
  sources: [["It holds the power to inspect schools."]]
  reference: Ofsted holds the power to inspect schools.
- id: q002
  question: Which Act of Parliament set up Ofsted?
  category: fact
  answerable: true
  must_include: [["Education (Schools) Act 1992", "1992"]]
  sources: [["Ofsted was set up by an Act of Parliament – the Education (Schools) Act 1992"]]
  reference: The Education (Schools) Act 1992.
"""
# onnxruntime 1.32 first sends telemetry ~9 s after a session is created (then every 6-8 s), so
# the app stays up this long after it has answered, with the model loaded.
QUIET_AFTER_ANSWER_S = 20
PORTS = range(18400, 18500)  # servers started here, away from other tests' ephemeral ports
# systemd-resolved answers look-ups on these sockets. glibc asks nscd first, then the DNS
# servers; nscd also answers user and group look-ups (torch calls getpwuid at import), so only a
# host request sent to it counts (read_nscd_host_requests). Without nscd, a look-up goes on to
# port 53, where it is caught.
RESOLVER_SOCKETS = ("/run/systemd/resolve/",)
# nscd's request types for hosts: GETHOSTBYNAME(v6), GETHOSTBYADDR(v6), GETFDHST, GETAI.
NSCD_HOST_REQUESTS = {4, 5, 6, 7, 13, 14}
TRACED_CALLS = "connect,sendto,sendmsg,sendmmsg"

_CALL = re.compile(r"^(?P<pid>\d+)\s+(?P<call>connect|sendto|sendmsg|sendmmsg)\(")
_INET = re.compile(r'sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)')
_INET6 = re.compile(
    r'sa_family=AF_INET6, sin6_port=htons\((\d+)\),.*?inet_pton\(AF_INET6, "([^"]+)"'
)
_UNIX = re.compile(r'sa_family=AF_UNIX, sun_path=@?"([^"]*)"')
_BYTES = re.compile(r'"((?:\\x[0-9a-f]{2})+)"')  # a buffer, as `strace -xx` writes it
_HEX = re.compile(r"\\x([0-9a-f]{2})")


def _unescape(text: str) -> str:
    """`strace -xx` writes every string byte as \\xNN, addresses and paths included."""
    return _HEX.sub(lambda byte: chr(int(byte[1], 16)), text)


@dataclass(frozen=True)
class Contact:
    """One address a traced process connected or sent to."""

    pid: int
    call: str
    host: str  # an IP address, or a Unix socket's path
    port: int | None  # None for a Unix socket

    @property
    def is_dns(self) -> bool:
        """A DNS query: to port 53 anywhere, or to systemd-resolved."""
        if self.port is None:
            return self.host.startswith(RESOLVER_SOCKETS)
        return self.port == 53

    @property
    def is_outbound(self) -> bool:
        """To an IP address other than loopback."""
        if self.port is None:
            return False
        address = ipaddress.ip_address(self.host)
        mapped = getattr(address, "ipv4_mapped", None)
        return not (address.is_loopback or (mapped is not None and mapped.is_loopback))

    @property
    def where(self) -> str:
        return self.host if self.port is None else f"{self.host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.call} {self.where} (pid {self.pid})"


def read_contacts(trace: str) -> list[Contact]:
    """Every address in an `strace -f -e trace=connect,sendto,...` log."""
    contacts = []
    for line in trace.splitlines():
        call = _CALL.match(line)
        if call is None:
            continue  # "<... resumed>" halves, signals, exits: the address is on the first half
        pid, name = int(call["pid"]), call["call"]
        for port, host in _INET.findall(line) + _INET6.findall(line):
            contacts.append(Contact(pid, name, _unescape(host), int(port)))
        contacts.extend(Contact(pid, name, _unescape(p), None) for p in _UNIX.findall(line))
    return contacts


def _query_name(packet: bytes) -> str | None:
    """The name a DNS query packet asks for (one question, not a reply), else None."""
    if len(packet) < 17 or packet[2] & 0x80 or packet[4:6] != b"\x00\x01":
        return None
    labels, at = [], 12
    while at < len(packet) and packet[at]:
        size = packet[at]
        label = packet[at + 1 : at + 1 + size]
        if size > 63 or len(label) < size or not label.isascii():
            return None
        labels.append(label.decode())
        at += 1 + size
    return ".".join(labels) if labels and len(packet) == at + 5 else None


def read_queries(trace: str) -> Counter[str]:
    """The names in DNS queries sent in an `strace -xx` log (the buffers of sends)."""
    names: Counter[str] = Counter()
    for line in trace.splitlines():
        if _CALL.match(line):
            for buffer in _BYTES.findall(line):
                name = _query_name(bytes.fromhex(buffer.replace("\\x", "")))
                if name:
                    names[name] += 1
    return names


def read_nscd_host_requests(trace: str) -> Counter[str]:
    """The host names asked of nscd in an `strace -xx` log: a request is three int32 (version
    2, type, key length) and the key."""
    names: Counter[str] = Counter()
    for line in trace.splitlines():
        if not _CALL.match(line):
            continue
        for buffer in _BYTES.findall(line):
            packet = bytes.fromhex(buffer.replace("\\x", ""))
            if len(packet) < 12:
                continue
            version, kind, size = (int.from_bytes(packet[i : i + 4], "little") for i in (0, 4, 8))
            if version == 2 and kind in NSCD_HOST_REQUESTS and len(packet) <= 12 + size < 1100:
                names[packet[12:].rstrip(b"\0").decode(errors="replace") or "hosts"] += 1
    return names


def test_read_contacts_classifies_each_address() -> None:
    """The parser on lines strace 6 writes: loopback passes, the rest are caught."""
    trace = "\n".join([
        '11 connect(8, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT',
        '11 connect(9, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}'
        ", 16 <unfinished ...>",
        "11 <... connect resumed>)            = 0",
        '12 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}'
        ", 16) = 0",
        '12 connect(5, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("52.1.2.3")}'
        ", 16) = -1 EINPROGRESS",
        '13 connect(6, {sa_family=AF_INET, sin_port=htons(8000), sin_addr=inet_addr("127.0.0.1")}'
        ", 16) = 0",
        '13 connect(7, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
        '13 connect(7, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
        '14 sendto(3, "abc", 3, 0, {sa_family=AF_INET, sin_port=htons(53), '
        'sin_addr=inet_addr("8.8.8.8")}, 16) = 3',
        '14 sendto(3, "abc", 3, MSG_NOSIGNAL, NULL, 0) = 3',
        '15 connect(4, {sa_family=AF_UNIX, sun_path="/tmp/some.sock"}, 110) = 0',
        '16 connect(5, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr('
        '"\\x38\\x2e\\x38\\x2e\\x38\\x2e\\x38")}, 16) = 0',
    ])  # fmt: skip
    contacts = read_contacts(trace)
    assert [str(c) for c in contacts if c.is_dns] == [
        "connect 10.0.0.53:53 (pid 11)",
        "connect 127.0.0.53:53 (pid 12)",
        "sendto 8.8.8.8:53 (pid 14)",
    ]
    assert [str(c) for c in contacts if c.is_outbound] == [
        "connect 10.0.0.53:53 (pid 11)",
        "connect 52.1.2.3:80 (pid 12)",
        "connect 2001:db8::1:443 (pid 13)",
        "sendto 8.8.8.8:53 (pid 14)",
        "connect 8.8.8.8:1 (pid 16)",
    ]
    assert len(contacts) == 10


def test_read_queries_names_what_was_looked_up() -> None:
    query = bytes.fromhex("298201000001000000000000") + b"\x07checkip\x09amazonaws\x03com\x00"
    query += b"\x00\x01\x00\x01"
    written = "".join(f"\\x{byte:02x}" for byte in query)
    message = f'{{msg_hdr={{msg_iov=[{{iov_base="{written}", iov_len={len(query)}}}]}}}}'
    trace = (
        f"7 sendmmsg(3, [{message}, {message}], 2, MSG_NOSIGNAL) = 2"
        '\n7 sendto(5, "\\x81\\x7e\\x05hello", 7, 0, NULL, 0) = 7'
    )
    assert read_queries(trace) == Counter({"checkip.amazonaws.com": 2})
    assert read_nscd_host_requests(trace) == Counter()


def test_read_nscd_host_requests_tells_hosts_from_users() -> None:
    def request(kind: int, key: bytes) -> str:
        packet = b"".join(n.to_bytes(4, "little") for n in (2, kind, len(key))) + key
        return "".join(f"\\x{byte:02x}" for byte in packet)

    host = request(14, b"mobile.events.data.microsoft.com\0")
    user = request(1, b"0\0")  # getpwuid(0)
    trace = (
        f'9 sendto(3, "{host}", 45, MSG_NOSIGNAL, NULL, 0) = 45\n'
        f'9 sendto(3, "{user}", 14, MSG_NOSIGNAL, NULL, 0) = 14'
    )
    assert read_nscd_host_requests(trace) == Counter({"mobile.events.data.microsoft.com": 1})


def _port() -> int:
    for port in random.sample(PORTS, len(PORTS)):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without any switch that would hide a leak: the code must turn
    telemetry off by itself, as it does on a school's machine."""
    hidden = ("ANONYMIZED_TELEMETRY", "HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in hidden and not key.startswith(("ORT_", "STREAMLIT_", "GOVASSIST_"))
    }
    return {**env, "HF_HUB_OFFLINE": "1", "GOVASSIST_DATA_DIR": str(data_dir),
            "GOVASSIST_CORPUS_DIR": str(CORPUS), **extra}  # fmt: skip


class Traced:
    """Commands run under `strace -f`, each with its own log, read back per process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.servers: list[subprocess.Popen[bytes]] = []

    def _command(self, label: str, command: list[str]) -> list[str]:
        log = self.folder / f"{label}.trace"
        # --seccomp-bpf stops only on the traced calls, so the app runs at nearly full speed.
        return ["strace", "-f", "-qq", "--seccomp-bpf", "-e", f"trace={TRACED_CALLS}",
                "-xx", "-s", "300", "-o", str(log), "--", *command]  # fmt: skip

    def run(self, label: str, command: list[str], env: dict[str, str]) -> str:
        """Run to the end; its standard output. Fails on a non-zero exit."""
        result = subprocess.run(
            self._command(label, command), cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=240,
        )  # fmt: skip
        assert result.returncode == 0, f"{label}: {result.stdout}\n{result.stderr}"
        return result.stdout

    def start(self, label: str, command: list[str], env: dict[str, str]) -> None:
        """Start a server; `stop_all` ends it."""
        self.servers.append(
            subprocess.Popen(
                self._command(label, command),
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    def alive(self) -> None:
        """Fail if a server has exited."""
        for server in self.servers:
            command = cast(list[str], server.args)  # `start` gives each one a list of str
            assert server.poll() is None, f"a traced server exited: {command[-3:]}"

    def stop_all(self) -> None:
        """SIGTERM to each traced server (strace then writes its log out and exits)."""
        for server in self.servers:
            children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
            pids = children.read_text().split() if children.exists() else []
            for pid in pids:
                os.kill(int(pid), signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        self.servers.clear()

    def logs(self) -> dict[str, str]:
        """Per command label, its strace log."""
        return {log.stem: log.read_text(errors="replace") for log in self.folder.glob("*.trace")}


@pytest.fixture
def traced(tmp_path: Path) -> Iterator[Traced]:
    if shutil.which("strace") is None:
        pytest.fail("strace is not installed: `make test` installs it (apt-get install strace)")
    tracer = Traced(tmp_path / "traces")
    tracer.folder.mkdir()
    try:
        yield tracer
    finally:
        tracer.stop_all()


def _wait_for(url: str, tracer: Traced, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        tracer.alive()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer in {timeout_s:g} s") from None
            time.sleep(0.3)


def _describe(label: str, contacts: list[Contact], log: str) -> str:
    outbound = sum(c.is_outbound for c in contacts)
    asked_nscd = read_nscd_host_requests(log)
    dns = sum(c.is_dns for c in contacts) + asked_nscd.total()
    seen = Counter(f"{c.call} {c.where}" for c in contacts if c.is_outbound or c.is_dns)
    names = read_queries(log) + asked_nscd
    return (
        f"  {label}: {outbound} to other hosts, {dns} DNS; "
        + ", ".join(f"{where} x{n}" for where, n in seen.items())
        + "; names asked: "
        + ", ".join(f"{name} x{n}" for name, n in names.items())
    )


async def _ask_in_the_app(url: str) -> list[str]:
    session = ChatSession(url)
    try:
        opened = await session.open()
        assert opened.problems == []
        run = await session.ask(QUESTION)
        assert run.problems == []
        return run.markdown
    finally:
        await session.close()


@pytest.mark.integration
def test_ingest_eval_ask_the_app_and_a_chroma_server_contact_nothing(
    traced: Traced, tmp_path: Path
) -> None:
    cli = [sys.executable, "-m", "app.cli"]
    data, served = tmp_path / "data", tmp_path / "served"
    chroma_port, app_port = _port(), _port()
    while app_port == chroma_port:
        app_port = _port()

    chroma = [str(Path(sys.executable).parent / "chroma"), "run", "--host", "127.0.0.1"]
    server = ["--path", str(tmp_path / "chroma-server"), "--port", str(chroma_port)]
    traced.start("chroma", [*chroma, *server], _env(served))
    out = traced.run("ingest", [*cli, "ingest"], _env(data))
    assert "in the index" in out, out

    # The app loads its model while the other commands run (two cores: this keeps it short).
    traced.start("app", [*cli, "app", "--port", str(app_port)], _env(data))
    _wait_for(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", traced)
    server_env = _env(served, GOVASSIST_CHROMA_HOST="127.0.0.1",
                      GOVASSIST_CHROMA_PORT=str(chroma_port))  # fmt: skip
    out = traced.run("ingest-to-chroma-server", [*cli, "ingest"], server_env)
    assert "in the index" in out, out

    gold = tmp_path / "gold.yaml"
    gold.write_text(GOLD, encoding="utf-8")
    out = traced.run("eval", [*cli, "eval", "--gold", str(gold), "--out", str(tmp_path / "ev")],
                     _env(data))  # fmt: skip
    assert "hit@5 1.0" in out and (tmp_path / "ev" / "metrics.json").is_file(), out
    out = traced.run("ask", [*cli, "ask", QUESTION], _env(data))
    assert "Ofsted" in out, out

    url = f"http://127.0.0.1:{app_port}"
    _wait_for(f"{url}/_stcore/health", traced)
    markdown = asyncio.run(_ask_in_the_app(url))
    assert any("Ofsted" in text for text in markdown), markdown
    answered = time.monotonic()
    # Waiting for something that must not happen: the app, model loaded, stays up and idle.
    while time.monotonic() - answered < QUIET_AFTER_ANSWER_S:
        traced.alive()
        time.sleep(1)
    traced.stop_all()

    logs = traced.logs()
    contacts = {label: read_contacts(log) for label, log in sorted(logs.items())}
    assert set(contacts) == {"chroma", "ingest", "ingest-to-chroma-server", "eval", "ask", "app"}
    # The ingest reached the server over loopback: the trace does see these processes.
    assert any(c.port == chroma_port for c in contacts["ingest-to-chroma-server"])
    summary = {
        label: (
            sum(c.is_outbound for c in found),
            sum(c.is_dns for c in found) + read_nscd_host_requests(logs[label]).total(),
        )
        for label, found in contacts.items()
    }
    report = "\n".join(_describe(label, contacts[label], logs[label]) for label in summary)
    print(f"connects and sends per process, beyond loopback and to DNS:\n{report}")
    assert all(count == (0, 0) for count in summary.values()), f"contacts:\n{report}"
