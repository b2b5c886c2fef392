#!/usr/bin/env python3
"""Walk the robot in a square through Cerebellum's policy port (UDP), printing the observed pose.

Standard library only: socket, struct, hmac. The byte layout is host/policy/PROTOCOL.md.

    npm start                                    # in another terminal: the controller and the simulated robot
    python3 examples/python/walk_square.py --duration 30

Options: --host, --port (UDP, default 7770), --duration S, --side M (edge length), --speed M/S,
--token T (when the controller was started with policy.token).
"""
import argparse
import hashlib
import hmac
import math
import socket
import struct
import sys
import time

MAGIC = b"CRBL"
VERSION = 1
KIND_TWIST, KIND_SUBSCRIBE = 1, 5
KIND_STATE, KIND_REJECT, KIND_INFO = 64, 65, 66
FLAG_HMAC, FLAG_UNSTAMPED = 1, 2
HEADER = struct.Struct("<4sBBHIId")  # magic, version, kind, flags, seq, payload_len, t
TWIST = struct.Struct("<HBB7f")  # mask, gait, reserved, vx vy wz height roll pitch step_hz
MODES = ["stand", "joint", "locomotion", "damping"]
REASONS = {1: "malformed", 2: "version", 3: "unknown_kind", 4: "wrong_size", 5: "not_finite",
           6: "out_of_range", 7: "stale", 8: "flood", 9: "bad_token", 10: "out_of_order"}


def packet(kind, seq, payload, t=None, token=""):
    flags = (FLAG_UNSTAMPED if t is None else 0) | (FLAG_HMAC if token else 0)
    body = HEADER.pack(MAGIC, VERSION, kind, flags, seq, len(payload), 0.0 if t is None else t) + payload
    if token:
        body += hmac.new(token.encode(), body, hashlib.sha256).digest()[:16]
    return body


def twist(seq, vx, vy, wz, t, token):
    mask = 0b111  # vx, vy, wz; height, attitude, gait, step rate take the controller's defaults
    return packet(KIND_TWIST, seq, TWIST.pack(mask, 0, 0, vx, vy, wz, 0, 0, 0, 0), t, token)


def parse_state(buf):
    """STATE payload: see PROTOCOL.md. Returns a dict, or None for other packets."""
    if len(buf) < HEADER.size or buf[:4] != MAGIC or buf[5] != KIND_STATE:
        return None
    _, _, _, _, seq, _, t = HEADER.unpack_from(buf, 0)
    o = HEADER.size
    mode, est_source, nj, nfeet, _ = struct.unpack_from("<BBHHH", buf, o)
    faults, last_seq, rejected = struct.unpack_from("<III", buf, o + 8)
    floats = struct.unpack_from("<%df" % (24 + 3 * nj), buf, o + 20)
    return {"t": t, "seq": seq, "mode": MODES[mode] if mode < len(MODES) else mode, "faults": faults,
            "position": floats[0:3], "quat": floats[3:7], "v_body": floats[7:10], "omega_body": floats[10:13],
            "twist": floats[16:24], "q": floats[24:24 + nj]}


def yaw_of(q):
    w, x, y, z = q
    return math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=7770)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds to run (default 30)")
    ap.add_argument("--side", type=float, default=1.0, help="edge of the square [m]")
    ap.add_argument("--speed", type=float, default=0.3, help="walking speed [m/s]")
    ap.add_argument("--token", default="", help="shared token of a remote-bound controller")
    args = ap.parse_args()

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(0.02)
    addr = (args.host, args.port)
    seq = 1
    sock.sendto(packet(KIND_SUBSCRIBE, seq, struct.pack("<f", 20.0), None, args.token), addr)
    seq += 1

    edge_s = args.side / args.speed
    turn_rate = 0.6  # rad/s
    turn_s = (math.pi / 2) / turn_rate
    leg_s = edge_s + turn_s
    start = time.monotonic()
    last_print = 0.0
    last_send = 0.0
    state = None
    sent = 0
    while True:
        now = time.monotonic() - start
        if now >= args.duration:
            break
        if now - last_send >= 0.05:  # 20 Hz, well inside the 200 ms silence timeout
            phase = now % leg_s
            vx, wz = (args.speed, 0.0) if phase < edge_s else (0.0, turn_rate)
            # Open loop: the twist does not depend on the observation, so it goes unstamped. A policy that
            # acts on observations stamps its targets with their state's t (the controller refuses stale ones).
            sock.sendto(twist(seq, vx, 0.0, wz, None, args.token), addr)
            seq += 1
            sent += 1
            last_send = now
        try:
            buf, _ = sock.recvfrom(65536)
        except socket.timeout:
            continue
        except ConnectionRefusedError:
            print("no controller at %s:%d (start it with 'npm start')" % addr, file=sys.stderr)
            return 1
        if len(buf) >= HEADER.size and buf[:4] == MAGIC and buf[5] == KIND_REJECT:
            rej_seq, _, reason, n = struct.unpack_from("<IBBH", buf, HEADER.size)
            text = buf[HEADER.size + 8:HEADER.size + 8 + n].decode("utf-8", "replace")
            print("rejected seq %d: %s: %s" % (rej_seq, REASONS.get(reason, reason), text), file=sys.stderr)
            continue
        s = parse_state(buf)
        if s is None:
            continue
        state = s
        if now - last_print >= 0.5:
            last_print = now
            p = s["position"]
            print("t %7.2f  x %6.3f  y %6.3f  z %5.3f  yaw %6.1f deg  mode %-10s  twist vx %5.2f wz %5.2f"
                  % (s["t"], p[0], p[1], p[2], math.degrees(yaw_of(s["quat"])), s["mode"], s["twist"][0], s["twist"][2]),
                  flush=True)
    sock.sendto(twist(seq, 0.0, 0.0, 0.0, None, args.token), addr)
    print("sent %d twists; done" % sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
