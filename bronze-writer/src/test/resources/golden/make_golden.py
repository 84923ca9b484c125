#!/usr/bin/env python3
"""Writes the golden CSVs of the reader tests from the fixtures, independently of the Java code.

Run from this folder: python3 make_golden.py. Uses only the Python standard library (zoneinfo,
decimal, zipfile, gzip, json); the expected values are computed here from the vendor formats'
definitions, so a golden test compares two independent implementations.
"""
import csv
import datetime
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

FIX = Path(__file__).resolve().parent.parent / "fixtures"
OUT = Path(__file__).resolve().parent
NY = ZoneInfo("America/New_York")
UTC = datetime.timezone.utc

TRADE_HEADER = ["line", "symbol", "exchange", "ts_event", "ts_event_ns", "ts_recv", "price", "size",
                "venue", "side", "vendor_trade_id", "sale_condition", "sale_condition_raw",
                "suspicious", "vendor_seq"]
QUOTE_HEADER = ["line", "symbol", "exchange", "ts_event", "ts_event_ns", "ts_recv", "bid_price",
                "bid_size", "ask_price", "ask_size", "venue", "quote_condition",
                "quote_condition_raw", "suspicious", "vendor_seq"]


def iso_micros(us):
    d = datetime.datetime(1970, 1, 1, tzinfo=UTC) + datetime.timedelta(microseconds=us)
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dec(text, scale, implied=0):
    v = Decimal(text).scaleb(-implied)
    q = v.quantize(Decimal(1).scaleb(-scale))
    assert q == v, (text, scale)
    return format(q, "f")


def lean_micros(date, ms):
    # wall-clock ms since local midnight; Oct 2013 has no DST transition, so no ambiguity here
    local = datetime.datetime.combine(date, datetime.time()) + datetime.timedelta(milliseconds=ms)
    aware = local.replace(tzinfo=NY, fold=1)
    delta = aware.astimezone(UTC) - datetime.datetime(1970, 1, 1, tzinfo=UTC)
    return delta // datetime.timedelta(microseconds=1)


def write(name, header, rows):
    with open(OUT / name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def flag(text):
    return {"0": "false", "1": "true"}[text]


def lean_trades(path, entry, symbol, date):
    lines = zipfile.ZipFile(FIX / path).read(entry).decode("ascii").splitlines()
    rows = []
    for i, l in enumerate(lines, 1):
        ms, px, sz, venue, cond, susp = l.split(",")
        rows.append([i, symbol, None, iso_micros(lean_micros(date, int(ms))), None, None,
                     dec(px, 9, 4), dec(sz, 8), venue, None, None, int(cond, 16), cond,
                     flag(susp), None])
    return rows


def lean_quotes(path, entry, symbol, date):
    lines = zipfile.ZipFile(FIX / path).read(entry).decode("ascii").splitlines()
    rows = []
    for i, l in enumerate(lines, 1):
        ms, bp, bs, ap, asz, venue, cond, susp = l.split(",")
        bid = (None, None) if Decimal(bp) == 0 and Decimal(bs) == 0 else (dec(bp, 9, 4), dec(bs, 8))
        ask = (None, None) if Decimal(ap) == 0 and Decimal(asz) == 0 else (dec(ap, 9, 4), dec(asz, 8))
        rows.append([i, symbol, None, iso_micros(lean_micros(date, int(ms))), None, None,
                     bid[0], bid[1], ask[0], ask[1], venue, int(cond, 16), cond, flag(susp), None])
    return rows


def tardis_trades():
    rows = []
    with open(FIX / "tardis/tardis_trades.csv") as f:
        for i, r in enumerate(csv.DictReader(f), 2):
            rows.append([i, r["symbol"], r["exchange"], iso_micros(int(r["timestamp"])), None,
                         iso_micros(int(r["local_timestamp"])), dec(r["price"], 9),
                         dec(r["amount"], 8), None, r["side"], r["id"], None, None, None, None])
    return rows


def tardis_quotes():
    rows = []
    with open(FIX / "tardis/tardis_quotes.csv") as f:
        for i, r in enumerate(csv.DictReader(f), 2):
            rows.append([i, r["symbol"], r["exchange"], iso_micros(int(r["timestamp"])), None,
                         iso_micros(int(r["local_timestamp"])), dec(r["bid_price"], 9),
                         dec(r["bid_amount"], 8), dec(r["ask_price"], 9), dec(r["ask_amount"], 8),
                         None, None, None, None, None])
    return rows


def acme_trades():
    rows = []
    with open(FIX / "mapped/acme_trades.csv") as f:
        for i, r in enumerate(csv.DictReader(f, delimiter=";"), 2):
            t = datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            us = (t - datetime.datetime(1970, 1, 1, tzinfo=UTC)) // datetime.timedelta(microseconds=1)
            side = {"B": "buy", "S": "sell"}[r["aggressor"]]
            recv_us = int(r["recv_ns"]) // 1000
            rows.append([i, r["ticker"], "binance-futures", iso_micros(us), None,
                         iso_micros(recv_us), dec(r["px"], 9), dec(r["qty"], 8), None, side,
                         r["trade_id"], None, None, None, None])
    return rows


def acme_quotes():
    rows = []
    with open(FIX / "mapped/acme_quotes.jsonl") as f:
        for i, l in enumerate(f, 1):
            o = json.loads(l, parse_float=str, parse_int=str)
            ns = int(o["t_ns"])
            b, a = o["book"]["bid"], o["book"]["ask"]
            rows.append([i, o["sym"], "binance-futures", iso_micros(ns // 1000), ns, None,
                         dec(b["px"], 9), dec(b["qty"], 8), dec(a["px"], 9), dec(a["qty"], 8),
                         None, None, None, None, None])
    return rows


oct7 = datetime.date(2013, 10, 7)
oct10 = datetime.date(2013, 10, 10)
write("lean_ibm_20131007_trades.csv", TRADE_HEADER,
      lean_trades("lean/equity/usa/tick/ibm/20131007_trade.zip", "20131007_ibm_Trade_Tick.csv",
                  "IBM", oct7))
write("lean_ibm_20131007_quotes.csv", QUOTE_HEADER,
      lean_quotes("lean/equity/usa/tick/ibm/20131007_quote.zip", "20131007_ibm_Quote_Tick.csv",
                  "IBM", oct7))
write("lean_bac_20131010_trades.csv", TRADE_HEADER,
      lean_trades("lean/equity/usa/tick/bac/20131010_trade.zip", "20131010_bac_Trade_Tick.csv",
                  "BAC", oct10))
write("tardis_trades.csv", TRADE_HEADER, tardis_trades())
write("tardis_quotes.csv", QUOTE_HEADER, tardis_quotes())
write("acme_trades.csv", TRADE_HEADER, acme_trades())
write("acme_quotes.csv", QUOTE_HEADER, acme_quotes())
