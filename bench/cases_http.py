#!/usr/bin/env python3
"""Helpers of bench/cases.sh (issue 5): demo-user sessions and the case-list filter paths.

  cases_http.py session BASE USER PASSWORD      -> prints the session cookie
  cases_http.py paths BASE COOKIE OUT           -> writes "name<TAB>path" lines (the UI's filters,
                                                   values taken from the generated data)
"""
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zhifa_api import Client  # noqa: E402


def session(base, user, password):
    c = Client(base)
    me = c.login(user, password)
    if me.get("needs_password_change"):
        raise SystemExit("%s must change the password first" % user)
    c.call("GET", "/api/v1/cases?page_size=1", expect=200)
    return c.cookie


def paths(base, cookie, out):
    c = Client(base)
    c.cookie = cookie
    _, me = c.call("GET", "/api/v1/auth/me", expect=200)
    _, first = c.call("GET", "/api/v1/cases?page_size=1", expect=200)
    top = first["items"][0]
    _, mid = c.call("GET", "/api/v1/cases?page=20000&page_size=20", expect=200)
    mid_id = (mid["items"] or first["items"])[0]["id"]
    # A team unit with cases, its department, one of its officers, a matter, a case number.
    _, detail = c.call("GET", "/api/v1/cases/%d" % top["id"], expect=200)
    officers = detail.get("officers") or []
    officer = officers[0]["id"] if officers and isinstance(officers[0], dict) else (
        officers[0] if officers else 0)
    unit = top["unit_id"]
    _, u = c.call("GET", "/api/v1/units/%d" % unit, expect=200)
    dept = u.get("parent_id") or unit
    party = top["party_name"][:2]
    # A fragment from inside an organisation's name (firm and trade, e.g. 鑫源商贸): rare.
    _, orgs = c.call("GET", "/api/v1/cases?page_size=50", expect=200)
    names = [x["party_name"] for x in orgs["items"] if x["party_kind"] == "organisation"]
    fragment = (names or [top["party_name"]])[0][2:6]
    q = urllib.parse.quote
    rows = [
        ("first page", "/api/v1/cases"),
        ("page 500", "/api/v1/cases?page=500"),
        ("keyset, middle of the table", "/api/v1/cases?after=%d" % mid_id),
        ("unit (team)", "/api/v1/cases?unit_id=%d" % unit),
        ("unit tree (brigade)", "/api/v1/cases?unit_id=%d" % dept),
        ("state investigation", "/api/v1/cases?state=investigation"),
        ("state hearing", "/api/v1/cases?state=hearing"),
        ("state closed,archived", "/api/v1/cases?state=closed,archived"),
        ("matter", "/api/v1/cases?matter=%s" % q(top["matter_code"])),
        ("officer", "/api/v1/cases?officer_id=%d" % officer),
        ("due soon", "/api/v1/cases?due=soon"),
        ("overdue", "/api/v1/cases?due=overdue"),
        ("domain", "/api/v1/cases?domain=%s" % q(top["domain"])),
        ("procedure simplified", "/api/v1/cases?procedure=simplified"),
        ("q party-name prefix", "/api/v1/cases?q=%s" % q(party)),
        ("q party-name fragment (index)", "/api/v1/cases?q=%s" % q(fragment)),
        ("q no match (index)", "/api/v1/cases?q=%s" % q("查无此名")),
        ("q case number", "/api/v1/cases?q=%s" % q(top["case_no"])),
        ("sort by due date", "/api/v1/cases?sort=due_date"),
        ("unit + state + overdue", "/api/v1/cases?unit_id=%d&state=investigation&due=overdue" % unit),
    ]
    with open(out, "w") as f:
        for name, path in rows:
            f.write("%s\t%s\n" % (name, path))
    print(me.get("username", ""), len(rows))


def main(argv):
    if argv[1] == "session":
        print(session(argv[2], argv[3], argv[4]))
    elif argv[1] == "paths":
        paths(argv[2], argv[3], argv[4])
    else:
        raise SystemExit("unknown command " + argv[1])


if __name__ == "__main__":
    main(sys.argv)
