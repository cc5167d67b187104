#!/usr/bin/python3
"""Minimal QMP client for the tests.

    qmp.py SOCKET COMMAND [JSON-ARGS]    run one QMP command, print "return"
    qmp.py SOCKET hmp 'info pci'         run an HMP command, print its text
    qmp.py SOCKET wait-migration [SECS]  poll query-migrate until it ends;
                                         exit 0 on "completed"
"""
import json
import socket
import sys
import time


class Qmp:
    def __init__(self, path, timeout=120):
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.time() > deadline:
                    raise SystemExit(f"qmp: cannot connect to {path}")
                time.sleep(0.2)
        self.buf = b""
        self._read()  # greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise SystemExit("qmp: connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, args=None):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                continue
            if "error" in reply:
                raise SystemExit(f"qmp: {name}: {reply['error']['desc']}")
            return reply["return"]


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    q = Qmp(sys.argv[1])
    what = sys.argv[2]
    if what == "hmp":
        print(q.cmd("human-monitor-command",
                    {"command-line": sys.argv[3]}), end="")
    elif what == "wait-migration":
        limit = float(sys.argv[3]) if len(sys.argv) > 3 else 300
        deadline = time.time() + limit
        while time.time() < deadline:
            st = q.cmd("query-migrate")
            status = st.get("status", "none")
            if status in ("completed", "failed", "cancelled"):
                print(json.dumps(st))
                sys.exit(0 if status == "completed" else 1)
            time.sleep(0.5)
        raise SystemExit("qmp: migration did not finish in time")
    else:
        args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
        print(json.dumps(q.cmd(what, args)))


if __name__ == "__main__":
    main()
