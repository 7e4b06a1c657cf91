#!/usr/bin/env python3
"""Writes the hx-binary golden frames of this directory from PROTOCOLS.md section 2 alone.

Independent of the C++ encoder on purpose: its own byte layout and its own bitwise
CRC-16/MODBUS. Each .hex file holds the frame's bytes as hex pairs, one field per line,
with '#' comments naming the fields. Run it from anywhere; it rewrites every file.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def crc16_modbus(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


assert crc16_modbus(b"123456789") == 0x4B37  # the catalogued check value


def frame(command, fields, version=1, magic=b"\xaa\x55", length=None, crc_xor=0):
    """fields: [(comment, bytes)]. Returns [(comment, bytes)] of the whole frame."""
    payload = b"".join(value for _, value in fields)
    n = len(payload) if length is None else length
    header = [("magic", magic), ("version", bytes([version])), ("command", bytes([command])),
              ("payload length %d (u16 BE)" % n, struct.pack(">H", n))]
    body = header[1:]
    crc = crc16_modbus(b"".join(v for _, v in body) + payload) ^ crc_xor
    return header + fields + [("CRC-16/MODBUS 0x%04X, low byte first" % crc,
                               struct.pack("<H", crc))]


def telemetry(tds_out=8, temp=-35):
    return [("ts 1732330000 s (u32)", struct.pack(">I", 1732330000)),
            ("seq 42 (u32)", struct.pack(">I", 42)),
            ("tds_in 312 ppm (u16)", struct.pack(">H", 312)),
            ("tds_out %d ppm (u16)" % tds_out, struct.pack(">H", tds_out)),
            ("flow 175 = 1.75 L/min (u16)", struct.pack(">H", 175)),
            ("pressure 245 kPa (u16)", struct.pack(">H", 245)),
            ("temp %d = %.1f degC (i16)" % (temp, temp / 10), struct.pack(">h", temp)),
            ("tank 76 % (u8)", bytes([76])),
            ("flags 0x05: uv_ok, door (u8)", bytes([0x05])),
            ("filter 1234 L (u32)", struct.pack(">I", 1234)),
            ("pump 1320 mA = 1.32 A (u16)", struct.pack(">H", 1320)),
            ("reserved (u16)", struct.pack(">H", 0))]


def text16(s):
    return s + b"\0" * (16 - len(s))


def dispense(txn=b"t-0001"):
    return [("ts 1732330005 s", struct.pack(">I", 1732330005)),
            ("seq 43", struct.pack(">I", 43)),
            ("txn %s, NUL-padded to 16" % txn.decode("latin-1").encode("unicode_escape").decode(), text16(txn)),
            ("card 'c-9f2a', NUL-padded to 16", text16(b"c-9f2a")),
            ("charged 150 fen (u32)", struct.pack(">I", 150)),
            ("requested 5000 ml (u16)", struct.pack(">H", 5000)),
            ("dispensed 4980 ml (u16)", struct.pack(">H", 4980)),
            ("reserved (u32)", struct.pack(">I", 0))]


def fault(code=3):
    return [("ts 1732330007 s", struct.pack(">I", 1732330007)),
            ("seq 45", struct.pack(">I", 45)),
            ("fault code %d (u16)" % code, struct.pack(">H", code)),
            ("active 1 (u8)", bytes([1])),
            ("reserved (u8)", bytes([0]))]


HEARTBEAT = [("ts 1732330006 s", struct.pack(">I", 1732330006)),
             ("seq 44", struct.pack(">I", 44))]


def command(action):
    return [("ts 1732330010 s", struct.pack(">I", 1732330010)),
            ("action %d (u8)" % action, bytes([action])),
            ("reserved (u8)", bytes([0])),
            ("reserved (u16)", struct.pack(">H", 0))]


def truncate(parts, drop):
    data = b"".join(v for _, v in parts)[:-drop]
    return [("first %d bytes of telemetry.hex" % len(data), data)]


GOLDEN = {
    "telemetry": frame(0x01, telemetry()),
    "dispense": frame(0x02, dispense()),
    "heartbeat": frame(0x03, HEARTBEAT),
    "fault": frame(0x04, fault()),
    "command_lock": frame(0x81, command(1)),
    "command_diagnose": frame(0x81, command(3)),
    # Rejected whole.
    "empty": [],
    "telemetry_truncated": truncate(frame(0x01, telemetry()), 5),
    "telemetry_bad_crc": frame(0x01, telemetry(), crc_xor=0x0100),
    "telemetry_bad_magic": frame(0x01, telemetry(), magic=b"\x55\xaa"),
    "telemetry_bad_version": frame(0x01, telemetry(), version=2),
    "telemetry_length_mismatch": frame(0x01, telemetry(), length=29),
    "telemetry_wrong_payload_size": frame(0x01, telemetry()[:-1] + [("1 byte", b"\0")]),
    "telemetry_tds_out_over_range": frame(0x01, telemetry(tds_out=5001)),
    "telemetry_temp_under_range": frame(0x01, telemetry(temp=-101)),
    "dispense_txn_not_ascii": frame(0x02, dispense(txn=b"t-\xe6\xb0\xb4")),
    "fault_unknown_code": frame(0x04, fault(code=9)),
    "unknown_command": frame(0x05, HEARTBEAT),
}

for name, parts in GOLDEN.items():
    with open(os.path.join(HERE, name + ".hex"), "w") as out:
        out.write("# hx-binary golden frame %s (written by make_golden.py)\n" % name)
        for comment, value in parts:
            out.write("%-50s # %s\n" % (" ".join("%02X" % b for b in value), comment))
