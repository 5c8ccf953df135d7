#!/usr/bin/env python3
"""The exported books read by independent tools (issue 22, acceptance): Accrue's hledger journal checked by
`hledger check`, its Beancount file by `bean-check`, and each tool's account balances per entity, period and
currency compared with Accrue's trial balance to the cent. A tool that is not installed is skipped, and said so.
Usage: books_check.py --accrue ACCRUE --rules DIR --data DIR --as-of DATE"""
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"books-check: {' '.join(cmd)} failed ({r.returncode}):\n{r.stderr}{r.stdout}")
    return r.stdout


def compare(tool, expected, got):
    """expected, got: {(entity, period, currency, account): Decimal}. Zero balances may be absent on either side."""
    bad = []
    for k in sorted(set(expected) | set(got)):
        e, g = expected.get(k, Decimal(0)), got.get(k, Decimal(0))
        if e != g:
            bad.append(f"  {k}: Accrue {e}, {tool} {g}")
    if bad:
        print(f"books-check: {tool}'s balances differ from Accrue's trial balance:")
        print("\n".join(bad))
        return False
    print(f"books-check: {tool}: {len(expected)} balances (entity, period, currency, account) equal Accrue's trial balance to the cent")
    return True


def hledger(path, expected):
    exe = shutil.which("hledger")
    if not exe:
        print("books-check: hledger: skipped: hledger is not installed (Debian package hledger)")
        return True
    run([exe, "-f", str(path), "check"])
    print(f"books-check: hledger check {path.name}: ok")
    got = {}
    for entity, period in sorted({(k[0], k[1]) for k in expected}):
        out = run([exe, "-f", str(path), "bal", "--flat", "-O", "csv", "-p", period, f"tag:entity={entity}"])
        for line in out.splitlines()[1:]:
            account, balance = [c.strip('"') for c in line.split('","')]
            if account == "total" or balance in ("0", ""):
                continue
            for amount in balance.split(", "):
                number, currency = amount.split(" ")
                got[(entity, period, currency, account.split(":", 1)[1])] = Decimal(number)
    return compare("hledger", expected, got)


def beancount(path, expected):
    try:
        from beancount import loader
        from beancount.core import data
    except ImportError:
        print("books-check: Beancount: skipped: beancount is not installed (PyPI beancount)")
        return True
    bean_check = Path(sys.executable).parent / "bean-check"
    run([str(bean_check), str(path)])
    print(f"books-check: bean-check {path.name}: ok")
    entries, errors, _ = loader.load_file(str(path))
    if errors:
        sys.exit(f"books-check: Beancount reports errors: {errors[:3]}")
    got = {}
    for e in entries:
        if not isinstance(e, data.Transaction):
            continue
        for p in e.postings:
            k = (p.meta["entity"], e.date.strftime("%Y-%m"), p.units.currency, p.account.split(":", 1)[1])
            got[k] = got.get(k, Decimal(0)) + p.units.number
    return compare("Beancount", expected, {k: v for k, v in got.items() if v != 0})


def check(accrue, common, label):
    """The trial balance and both exports of one source (a plan's dry run, or the ledger's recorded entries)."""
    base = [accrue, "report"]
    tb = json.loads(run(base + ["trial-balance"] + common + ["--format", "json"]), parse_float=Decimal)["trial_balance"]
    expected = {(r["entity"], r["period"], r["currency"], r["account"]): Decimal(r["balance"]) for r in tb}
    expected = {k: v for k, v in expected.items() if v != 0}
    print(f"books-check: {label}: Accrue's trial balance: {len(tb)} rows over {len({(k[0], k[1], k[2]) for k in expected})} entity, period and currency groups")
    with tempfile.TemporaryDirectory() as d:
        j = Path(d) / "books.journal"
        j.write_text(run(base + ["journal"] + common + ["--format", "hledger"]))
        b = Path(d) / "books.beancount"
        b.write_text(run(base + ["journal"] + common + ["--format", "beancount"]))
        ok = hledger(j, expected)
        ok = beancount(b, expected) and ok
    return ok


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--accrue", required=True)
    a.add_argument("--rules", required=True)
    a.add_argument("--data", required=True)
    a.add_argument("--as-of", required=True)
    a.add_argument("--ledger-dates", default="", help="apply on these dates (comma-separated), then check the ledger's recorded books")
    args = a.parse_args()
    common = ["--rules", args.rules, "--data", args.data, "--as-of", args.as_of]
    ok = check(args.accrue, common, f"plan as of {args.as_of}")
    dates = [x for x in args.ledger_dates.split(",") if x]
    if dates:
        # The entries apply recorded (decisions' and revenue recognized included): read back from the ledger.
        with tempfile.TemporaryDirectory() as d:
            for date in dates:
                run([args.accrue, "apply", "--rules", args.rules, "--data", args.data, "--as-of", date, "--state", d + "/state", "--out", d + "/out"])
            ledger = ["--source", "ledger", "--state", d + "/state", "--data", args.data]
            ok = check(args.accrue, ledger, f"ledger after applies on {', '.join(dates)}") and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
