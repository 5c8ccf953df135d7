#!/usr/bin/env python3
"""Compares `accrue import FILE --format json` with independent parsers, field by field (issue 23, acceptance).

For every public statement file under ROOT/<format>/ (Tests/PublicStatements), runs accrue and a reference parser
on the same file: mt-940 for MT940, bai2 for BAI2, ofxparse for OFX, and the standard library's XML reader for
camt.053/camt.054 (no camt package is used: the reading is written out below, from the ISO 20022 element names).
Transactions are paired in file order. Compared per transaction: booking date, value date, amount (exact decimals,
never floats), currency, references (end-to-end id, bank reference, customer/creditor reference), counterparty name
and account, remittance text, reversal flag; per statement, when accrue's JSON has statements: the account, the
statement id, the opening and closing balances.

Differences listed in ROOT/differences.json (each with why; reviewed in ROOT/DIFFERENCES.md) are expected; any
other difference makes the exit status 1. An expected difference that no longer occurs is reported (remove it).

Usage: compare_parsers.py --accrue PATH [ROOT]
"""

import argparse
import fnmatch
import json
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

# ISO 4217 minor units where they are not 2 (BAI2 amounts are written in minor units).
MINOR_UNITS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}

TRANSACTION_FIELDS = [
    "booking_date", "value_date", "amount", "currency", "end_to_end_id", "bank_reference", "reference",
    "counterparty_name", "counterparty_account", "remittance", "reversal",
]
STATEMENT_FIELDS = ["account", "statement_id", "sequence", "opening_balance", "closing_balance"]


class Raw:
    """A field the reference parser only gives as raw text: accrue's value must occur in it (spaces ignored)."""

    def __init__(self, text):
        self.text = text or ""

    def __repr__(self):
        return "within " + json.dumps(self.text)


def squeeze(text):
    return " ".join(str(text).split())


def decimal_text(value):
    """An exact decimal as a plain string: 50990.05, -9.71, 0 (trailing zeros kept as written are not significant)."""
    d = Decimal(str(value))
    if d == 0:
        return "0"
    text = format(d.normalize(), "f")
    return text


def agrees(accrue_value, ref_value, field):
    if isinstance(ref_value, Raw):
        a = "".join(str(accrue_value or "").split())
        return a == "" or a in "".join(ref_value.text.split())
    if field in ("amount",) and accrue_value not in (None, "") and ref_value not in (None, ""):
        return Decimal(str(accrue_value)) == Decimal(str(ref_value))
    return squeeze(accrue_value if accrue_value is not None else "") == squeeze(ref_value if ref_value is not None else "")


# ---------------------------------------------------------------------------------------------------------------
# Reference readers: each returns a list of statements {account, statement_id, opening_balance, closing_balance,
# transactions: [ {field: value} ]}. A value of None means "the reference parser does not give this field": not
# compared.


def balance(amount, currency, date):
    if amount is None:
        return None
    return {"amount": decimal_text(amount), "currency": (currency or "").upper(), "date": str(date) if date else None}


def read_mt940(path):
    import mt940
    from mt940.options import Options

    statements = []
    for block in mt940.parse_statements(str(path), options=Options.all()):
        d = block.data

        def bal(key):
            b = d.get(key)
            return balance(b.amount.amount, b.amount.currency, b.date) if b is not None else None

        number = d.get("statement_number")
        out = {
            # mt-940's statement_number is :28C:'s number, which accrue keeps as the sequence ("00004/001"); accrue's
            # statement id is :20:, which mt-940 gives as transaction_reference.
            "account": d.get("account_identification"), "statement_id": d.get("transaction_reference"), "sequence": number,
            # :60F:/:62F:, else the intermediate :60M:/:62M: of a statement continued over several messages.
            "opening_balance": bal("final_opening_balance") or bal("intermediate_opening_balance"),
            "closing_balance": bal("final_closing_balance") or bal("intermediate_closing_balance"),
            "transactions": [],
        }
        for t in block:
            td = t.data
            details = td.get("transaction_details") or ""
            structured = any(k in td for k in ("purpose", "applicant_name", "posting_text"))
            customer = (td.get("customer_reference") or "").strip()
            if customer == "NONREF":
                customer = ""
            eref = (td.get("end_to_end_reference") or "").strip()
            if eref.startswith("NOTPROVIDED"):
                eref = ""
            entry = td.get("entry_date") or td.get("date")
            status = td.get("status") or ""
            row = {
                "booking_date": str(entry), "value_date": str(td.get("date")),
                "amount": decimal_text(td["amount"].amount), "currency": td["amount"].currency,
                "bank_reference": td.get("bank_reference") or "", "reversal": status.upper().startswith("R"),
                "reference": None,
            }
            if structured:
                row["end_to_end_id"] = eref or customer
                row["counterparty_name"] = td.get("applicant_name") or ""
                row["counterparty_account"] = td.get("applicant_iban") or ""
                row["remittance"] = td.get("purpose") or ""
            else:
                # Free or Dutch /KEY/value/ text: mt-940 keeps it whole (and the :61: supplementary details
                # apart); accrue's values must occur in them.
                text = ((td.get("extra_details") or "") + " " + details).strip()
                row["end_to_end_id"] = customer if not details else Raw(customer + " " + details)
                for f in ("counterparty_name", "counterparty_account", "remittance", "reference"):
                    row[f] = Raw(text)
            out["transactions"].append(row)
        statements.append(out)
    return statements


def read_bai2(path):
    from bai2 import bai2
    from bai2.constants import TypeCodeTransaction

    with open(path) as f:
        parsed = bai2.parse_from_file(f)
    statements = []
    for group in parsed.children:
        gh = group.header
        for account in group.children:
            ah = account.header
            currency = (ah.currency or gh.currency or "USD").upper()
            scale = MINOR_UNITS.get(currency, 2)

            def money(minor):
                return Decimal(int(minor)).scaleb(-scale)

            summary = {s.type_code.code: s.amount for s in ah.summary_items if s.amount is not None}
            out = {
                "account": ah.customer_account_number, "statement_id": None,
                "opening_balance": balance(money(summary["010"]), currency, gh.as_of_date) if "010" in summary else None,
                "closing_balance": balance(money(summary["015"]), currency, gh.as_of_date) if "015" in summary else None,
                "transactions": [],
            }
            for t in account.children:
                debit = t.type_code.transaction == TypeCodeTransaction.debit
                amount = money(t.amount or 0)
                value_date = None
                if isinstance(t.availability, dict) and t.availability.get("date"):
                    value_date = str(t.availability["date"])
                out["transactions"].append({
                    "booking_date": str(gh.as_of_date), "value_date": value_date,
                    "amount": decimal_text(-amount if debit else amount), "currency": currency,
                    "end_to_end_id": "", "bank_reference": t.bank_reference or "", "reference": t.customer_reference or "",
                    "counterparty_name": "", "counterparty_account": "", "remittance": t.text or "", "reversal": False,
                })
            statements.append(out)
    return statements


def read_ofx(path):
    from ofxparse import OfxParser

    with open(path, "rb") as f:
        parsed = OfxParser.parse(f)
    statements = []
    for account in parsed.accounts:
        s = account.statement
        currency = (getattr(s, "currency", None) or "").upper()
        closing = getattr(s, "balance", None)
        out = {
            "account": account.account_id, "statement_id": None, "opening_balance": None,
            "closing_balance": balance(closing, currency, getattr(s, "balance_date", None).date()
                                       if getattr(s, "balance_date", None) else None) if closing is not None else None,
            "transactions": [],
        }
        for t in s.transactions:
            out["transactions"].append({
                "booking_date": str(t.date.date()), "value_date": None, "amount": decimal_text(t.amount),
                "currency": currency, "end_to_end_id": "", "bank_reference": t.id or "", "reference": None,
                "counterparty_name": t.payee or "", "counterparty_account": None, "remittance": t.memo or "",
                "reversal": False,
            })
        statements.append(out)
    return statements


def _local(root):
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def _text(el, path):
    if el is None:
        return ""
    found = el.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _date(el, path):
    d = el.find(path)
    if d is None:
        return None
    return _text(d, "Dt") or (_text(d, "DtTm")[:10] or None)


def _camt_party(tx, credit):
    role = "Dbtr" if credit else "Cdtr"
    name = _text(tx, f"RltdPties/{role}/Nm") or _text(tx, f"RltdPties/{role}/Pty/Nm")
    account = _text(tx, f"RltdPties/{role}Acct/Id/IBAN") or _text(tx, f"RltdPties/{role}Acct/Id/Othr/Id")
    return name, account


def _camt_fields(tx, credit):
    e2e = _text(tx, "Refs/EndToEndId")
    lines = [(u.text or "").strip() for u in tx.findall("RmtInf/Ustrd")] + [_text(tx, "AddtlTxInf")]
    refs = [(r.text or "").strip() for r in tx.findall("RmtInf/Strd/CdtrRefInf/Ref")]
    name, account = _camt_party(tx, credit)
    return {
        "end_to_end_id": "" if e2e.startswith("NOTPROVIDED") else e2e, "reference": " ".join(r for r in refs if r),
        "remittance": "\n".join(x for x in lines if x), "counterparty_name": name, "counterparty_account": account,
    }


def _camt_entry(e):
    amt = e.find("Amt")
    credit = _text(e, "CdtDbtInd") == "CRDT"
    amount = Decimal(amt.text.strip())
    base = {
        "booking_date": _date(e, "BookgDt") or _date(e, "ValDt"), "value_date": _date(e, "ValDt"),
        "amount": decimal_text(amount if credit else -amount), "currency": amt.get("Ccy", ""),
        "bank_reference": _text(e, "AcctSvcrRef") or _text(e, "NtryRef"), "reversal": _text(e, "RvslInd") == "true",
    }
    details = e.findall("NtryDtls/TxDtls")
    if not details:
        return [dict(base, end_to_end_id="", reference="", remittance=_text(e, "AddtlNtryInf"), counterparty_name="",
                     counterparty_account="")]
    amounts = []
    for tx in details:
        a = tx.find("Amt") if tx.find("Amt") is not None else tx.find("AmtDtls/TxAmt/Amt")
        amounts.append(a if a is not None and a.get("Ccy") == base["currency"] else None)
    if len(details) > 1 and all(a is not None for a in amounts) and sum(Decimal(a.text.strip()) for a in amounts) == amount:
        rows = []
        for tx, a in zip(details, amounts):
            v = Decimal(a.text.strip())
            rows.append(dict(base, amount=decimal_text(v if credit else -v), **_camt_fields(tx, credit)))
        return rows
    if len(details) == 1:
        return [dict(base, **_camt_fields(details[0], credit))]
    # A batch kept whole: every detail's values must occur in accrue's joined ones.
    parts = [_camt_fields(tx, credit) for tx in details]
    return [dict(base, **{k: Raw(" ".join(p[k] for p in parts)) for k in parts[0]})]


def read_camt(path):
    root = _local(ET.parse(path).getroot())
    statements = []
    for s in root.findall("./*/Stmt") + root.findall("./*/Ntfctn") + root.findall("./*/Rpt"):
        bals = {}
        for b in s.findall("Bal"):
            code = _text(b, "Tp/CdOrPrtry/Cd")
            amt = b.find("Amt")
            v = Decimal(amt.text.strip())
            bals[code] = balance(v if _text(b, "CdtDbtInd") == "CRDT" else -v, amt.get("Ccy"), _date(b, "Dt"))
        out = {
            "account": _text(s, "Acct/Id/IBAN") or _text(s, "Acct/Id/Othr/Id"), "statement_id": _text(s, "Id"),
            "opening_balance": bals.get("OPBD") or bals.get("PRCD"), "closing_balance": bals.get("CLBD"),
            "transactions": [],
        }
        for e in s.findall("Ntry"):
            status = _text(e, "Sts") or _text(e, "Sts/Cd")
            if status in ("PDNG", "INFO"):
                continue
            out["transactions"].extend(_camt_entry(e))
        statements.append(out)
    return statements


READERS = {"mt940": read_mt940, "bai2": read_bai2, "ofx": read_ofx, "camt": read_camt}

# ---------------------------------------------------------------------------------------------------------------


def run_accrue(accrue, path):
    """(statements, error): accrue's statements (a top-level array is one statement of transactions only)."""
    p = subprocess.run([accrue, "import", str(path), "--format", "json"], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        return None, (p.stderr.strip().splitlines() or ["exit status %d" % p.returncode])[0]
    data = json.loads(p.stdout)
    if isinstance(data, list):
        return [{"transactions": data}], None
    return data.get("statements", []), None


def statement_value(field, value):
    """A statement field of accrue's JSON as a comparable string (None: not in accrue's output)."""
    if value is None:
        return None
    if field == "account" and isinstance(value, dict):
        return " | ".join(str(v) for v in value.values() if isinstance(v, str) and v)
    if field.endswith("_balance") and isinstance(value, dict):
        return "%s %s %s" % (value.get("amount"), value.get("currency"), value.get("date"))
    return str(value)


def statement_agrees(field, accrue_value, ref_value):
    if field == "account":
        compact = [x.replace(" ", "") for x in accrue_value.split(" | ")]
        return ref_value.replace(" ", "") in compact
    if field.endswith("_balance"):
        a = accrue_value.split(" ")
        return Decimal(a[0]) == Decimal(ref_value["amount"]) and a[1] == ref_value["currency"] and (
            ref_value["date"] is None or a[2] in ("None", ref_value["date"]))
    if field == "sequence":
        return accrue_value.split("/")[0].lstrip("0") == str(ref_value).lstrip("0")
    return squeeze(accrue_value) == squeeze(ref_value)


def compare_file(rel, accrue_statements, ref_statements):
    """The differences of one file: (compared, differences) where a difference is a dict."""
    diffs = []
    compared = 0
    within = 0
    acc_tx = [t for s in accrue_statements for t in s.get("transactions", [])]
    ref_tx = [t for s in ref_statements for t in s["transactions"]]
    if len(acc_tx) != len(ref_tx):
        diffs.append({"file": rel, "transaction": "*", "field": "count", "accrue": len(acc_tx), "reference": len(ref_tx)})
    for i, (a, r) in enumerate(zip(acc_tx, ref_tx), start=1):
        for field in TRANSACTION_FIELDS:
            ref_value = r.get(field)
            if ref_value is None and field != "value_date":
                continue
            compared += 1
            within += isinstance(ref_value, Raw)
            if not agrees(a.get(field), ref_value, field):
                diffs.append({"file": rel, "transaction": i, "field": field, "accrue": a.get(field),
                              "reference": repr(ref_value) if isinstance(ref_value, Raw) else ref_value})
    if all(not any(f in s for f in STATEMENT_FIELDS) for s in accrue_statements):
        return compared, within, diffs, False
    if len(accrue_statements) != len(ref_statements):
        diffs.append({"file": rel, "transaction": "*", "field": "statements", "accrue": len(accrue_statements),
                      "reference": len(ref_statements)})
    for k, (a, r) in enumerate(zip(accrue_statements, ref_statements), start=1):
        for field in STATEMENT_FIELDS:
            ref_value = r.get(field)
            if ref_value is None:
                continue
            compared += 1
            accrue_value = statement_value(field, a.get(field))
            if accrue_value is None or not statement_agrees(field, accrue_value, ref_value):
                diffs.append({"file": rel, "transaction": "statement %d" % k, "field": field, "accrue": accrue_value,
                              "reference": ref_value})
    return compared, within, diffs, True


def expected(diff, table):
    for e in table:
        if not fnmatch.fnmatch(diff["file"], e["file"]) or e["field"] != diff["field"]:
            continue
        if e.get("transaction", "*") not in ("*", diff["transaction"]):
            continue
        if "accrue" in e and e["accrue"] != diff["accrue"]:
            continue
        if "accrue_contains" in e and e["accrue_contains"] not in str(diff["accrue"]):
            continue
        if "reference" in e and e["reference"] != diff["reference"]:
            continue
        return e
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accrue", required=True)
    ap.add_argument("root", nargs="?", default="Tests/PublicStatements")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print the expected differences")
    args = ap.parse_args()
    warnings.simplefilter("ignore")  # ofxparse's BeautifulSoup warns about its own choice of parser
    root = Path(args.root)
    table = json.loads((root / "differences.json").read_text())
    used = set()
    unexpected = 0
    files = sorted(p for fmt in READERS for p in (root / fmt).glob("*") if p.is_file())
    for path in files:
        fmt = path.parent.name
        rel = "%s/%s" % (fmt, path.name)
        try:
            ref = READERS[fmt](path)
            ref_error = None
        except Exception as exc:  # the reference parser refusing the file is a result, not a crash
            ref, ref_error = [], "%s: %s" % (type(exc).__name__, exc)
        acc, acc_error = run_accrue(args.accrue, path)
        if acc_error or ref_error:
            diffs = [] if acc_error and ref_error else [
                {"file": rel, "transaction": "*", "field": "file", "accrue": acc_error or "read",
                 "reference": ref_error or "read"}]
            compared, within, has_statements = 0, 0, False
        else:
            compared, within, diffs, has_statements = compare_file(rel, acc, ref)
        n_acc = sum(len(s.get("transactions", [])) for s in acc or [])
        n_ref = sum(len(s["transactions"]) for s in ref)
        known = []
        new = []
        for d in diffs:
            e = expected(d, table)
            if e is None:
                new.append(d)
            else:
                used.add(table.index(e))
                known.append((d, e))
        unexpected += len(new)
        field_diffs = sum(1 for d in diffs if d["field"] not in ("file", "count", "statements"))
        print("%-6s %-42s transactions %3d/%-3d fields %4d agree %4d%s differ %2d (expected %d)%s" % (
            fmt, path.name, n_acc, n_ref, compared, compared - field_diffs,
            " (%d within raw text)" % within if within else "", len(diffs), len(known),
            "" if has_statements else "  [no statement fields in accrue's output]"))
        for d in new:
            print("  UNEXPECTED  %s #%s %s: accrue %s, reference %s" % (
                rel, d["transaction"], d["field"], json.dumps(d["accrue"]), json.dumps(d["reference"], default=str)))
        if args.verbose:
            for d, e in known:
                print("  %-10s  %s #%s %s: accrue %s, reference %s" % (
                    e["kind"], rel, d["transaction"], d["field"], json.dumps(d["accrue"]),
                    json.dumps(d["reference"], default=str)))
    stale = [e for k, e in enumerate(table) if k not in used]
    for e in stale:
        print("note: no longer differs (remove it from differences.json): %s #%s %s" % (
            e["file"], e.get("transaction", "*"), e["field"]))
    print("%d file(s), %d unexpected difference(s), %d expected difference rule(s) used" % (
        len(files), unexpected, len(used)))
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
