#!/usr/bin/env python3
"""Applies tcp_tune rules from a JSON (or, with PyYAML, YAML) file,
idempotently: rules that match are left alone, missing ones are created,
changed ones rewritten, and with --prune rules the file no longer lists are
deleted. A second run with the same file changes nothing.

    python3 apply_tune_rules.py RULES_FILE [--socket PATH] [--prune] [--dry-run]

The file lists rules by destination prefix; every field but `prefix` is a
field of the map's value (tcp_tune_rules), and fields left out are zero:

    {"rules": [
      {"prefix": "10.1.0.0/16", "rule_id": 7, "initial_rto_ms": 200},
      {"prefix": "2001:db8::/32", "rule_id": 8, "congestion": "bbr"}
    ]}

Needs WRITE on tcp_tune_rules (and READ, to compare).
"""
import argparse
import ipaddress
import json
import sys

import bpfwarden

RULES_MAP = "tcp_tune_rules"


def load_rules(path):
    with open(path) as f:
        text = f.read()
    if path.endswith((".yaml", ".yml")):
        import yaml  # Debian: python3-yaml
        doc = yaml.safe_load(text)
    else:
        doc = json.loads(text)
    rules = {}
    for i, rule in enumerate(doc.get("rules", [])):
        rule = dict(rule)
        try:
            net = ipaddress.ip_network(rule.pop("prefix"))
        except (KeyError, ValueError) as e:
            raise SystemExit(f"{path}: rules[{i}]: a prefix is needed ({e})")
        # The map keys IPv4 prefixes IPv4-mapped: 10.1.0.0/16 is ::ffff:10.1.0.0/112.
        plen = net.prefixlen + (96 if net.version == 4 else 0)
        key = (plen, net.network_address)
        if key in rules:
            raise SystemExit(f"{path}: rules[{i}]: {net} is listed twice")
        rules[key] = (net, rule)
    return rules


def matches(current, wanted):
    """The stored value is what the file says: its fields equal, the rest
    zero (or empty, for strings), as a zero-filled write leaves them."""
    return all(current.get(f) == v for f, v in wanted.items()) and \
        all(not v for f, v in current.items() if f not in wanted)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rules_file")
    parser.add_argument("--socket", default="/run/bpfwarden/api.sock")
    parser.add_argument("--set", default="bpfwarden", dest="set_name")
    parser.add_argument("--prune", action="store_true",
                        help="delete rules the file does not list")
    parser.add_argument("--dry-run", action="store_true",
                        help="say what would change, change nothing")
    args = parser.parse_args()
    wanted = load_rules(args.rules_file)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    verb = "would be " if args.dry_run else ""
    try:
        with bpfwarden.Client(args.socket) as client:
            current = {(k["prefixlen"], k["addr"]): v
                       for k, v in client.dump(args.set_name, RULES_MAP)}
            for (plen, addr), (net, value) in sorted(
                    wanted.items(), key=lambda kv: str(kv[1][0])):
                had = current.get((plen, addr))
                if had is not None and matches(had, value):
                    counts["unchanged"] += 1
                    continue
                what = "created" if had is None else "updated"
                if not args.dry_run:
                    client.update(args.set_name, RULES_MAP,
                                  {"prefixlen": plen, "addr": addr}, value,
                                  zero_fill=True)
                counts[what] += 1
                print(f"{net}: {verb}{what} {json.dumps(value)}")
            if args.prune:
                for (plen, addr) in sorted(set(current) - set(wanted),
                                           key=str):
                    if not args.dry_run:
                        client.delete(args.set_name, RULES_MAP,
                                      {"prefixlen": plen, "addr": addr},
                                      ignore_missing=True)
                    counts["deleted"] += 1
                    v4 = plen >= 96 and isinstance(addr, ipaddress.IPv4Address)
                    print(f"{addr}/{plen - 96 if v4 else plen}: {verb}deleted")
    except bpfwarden.Error as e:
        print(f"apply_tune_rules: {e}", file=sys.stderr)
        return 1
    print(", ".join(f"{n} {verb}{what}" if what != "unchanged" else
                    f"{n} unchanged" for what, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
