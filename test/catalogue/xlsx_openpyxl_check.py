#!/usr/bin/python3
"""Cross-checks zhifa's xlsx module with openpyxl (an independent implementation): a workbook
written by openpyxl is read by ours, and one written by ours is read by openpyxl; the cells must
agree. Usage: xlsx_openpyxl_check.py PATH/TO/xlsx_tool"""
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile

import openpyxl
from openpyxl.styles import Font

tool = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="zhifa-xlsx-")
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


# 1. openpyxl writes, zhifa reads.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "裁量基准"
ws.append(["序号", "事项代码", "具体标准", "金额", "日期", "是否"])
ws.append([1, "SC-001", "处1万元以上5万元以下罚款", 12.5, datetime.date(2024, 2, 29), True])
ws.append([2, None, "多行\n文本 & <符号>", -3, datetime.date(1999, 12, 31), False])
ws["H5"] = "gap"  # a gap of one row and one column
ws2 = wb.create_sheet("执法事项")
ws2["A1"] = "事项代码"
ws2["A2"] = "  前后空格  "
ws2["B2"] = "=1+1"  # a formula without a cached value
src = os.path.join(tmp, "openpyxl.xlsx")
wb.save(src)
out = subprocess.run([tool, "read", src], capture_output=True, text=True)
check("zhifa read exit", out.returncode, 0)
if out.returncode == 0:
    sheets = json.loads(out.stdout)
    check("sheet names", [s["name"] for s in sheets], ["裁量基准", "执法事项"])
    rows = sheets[0]["rows"]
    text = lambda r, c: rows[r][c]["v"] if r < len(rows) and c < len(rows[r]) else ""
    check("A1", text(0, 0), "序号")
    check("A2", text(1, 0), "1")
    check("C2", text(1, 2), "处1万元以上5万元以下罚款")
    check("D2", text(1, 3), "12.5")
    check("E2 date", (rows[1][4]["t"], text(1, 4)), ("d", "2024-02-29"))
    check("F2", text(1, 5), "TRUE")
    check("B3 empty", text(2, 1), "")
    check("C3", text(2, 2), "多行\n文本 & <符号>")
    check("D3", text(2, 3), "-3")
    check("E3", text(2, 4), "1999-12-31")
    check("row 4 empty", [c["v"] for c in rows[3]] if len(rows) > 3 else [], [])
    check("H5", text(4, 7), "gap")
    check("G5 empty", text(4, 6), "")
    s2 = sheets[1]["rows"]
    check("A2 spaces", s2[1][0]["v"], "  前后空格  ")

# 2. zhifa writes, openpyxl reads.
spec = [
    {"name": "裁量基准", "rows": [["序号", "事项名称", "金额", "日期", "布尔"],
                                 [1, "生产经营超过保质期的食品", 0.1, {"date": "2026-11-27"}, True],
                                 [None, "引号\"与&符号<>", 1e6, {"date": "1900-03-01"}, False],
                                 [],
                                 [3, "_x0041_ 字面"]]},
    {"name": "执法事项", "rows": [["事项代码"], ["CG-1"]]},
]
dst = os.path.join(tmp, "zhifa.xlsx")
w = subprocess.run([tool, "write", dst], input=json.dumps(spec), capture_output=True, text=True)
check("zhifa write exit", w.returncode, 0)
if w.returncode == 0:
    rb = openpyxl.load_workbook(dst)
    check("openpyxl sheet names", rb.sheetnames, ["裁量基准", "执法事项"])
    s = rb["裁量基准"]
    check("bold header", s["A1"].font.b, True)
    check("body not bold", bool(s["A2"].font.b), False)
    check("frozen", s.freeze_panes, "A2")
    check("width set", s.column_dimensions["B"].width >= 20, True)
    check("A1", s["A1"].value, "序号")
    check("A2", s["A2"].value, 1)
    check("B2", s["B2"].value, "生产经营超过保质期的食品")
    check("C2", s["C2"].value, 0.1)
    check("D2", s["D2"].value, datetime.datetime(2026, 11, 27))
    check("E2", s["E2"].value, True)
    check("A3", s["A3"].value, None)
    check("B3", s["B3"].value, "引号\"与&符号<>")
    check("C3", s["C3"].value, 1000000)
    check("D3", s["D3"].value, datetime.datetime(1900, 3, 1))
    check("E3", s["E3"].value, False)
    check("B5", s["B5"].value, "_x0041_ 字面")
    check("sheet 2", rb["执法事项"]["A2"].value, "CG-1")

shutil.rmtree(tmp, ignore_errors=True)
if failures:
    print("\n".join(failures))
    sys.exit(1)
print("openpyxl cross-check: ok")
