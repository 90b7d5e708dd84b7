# A 60-column terminal: the datasets table shrinks to fit; a dataset named 数据卷 (six
# columns, three characters) keeps every column aligned; an empty table says so.
FSH=$1
. "$(dirname "$0")/lib.sh"
COLS=60
start_sandbox_fsh
type_text "leases"; send Enter
wait_for "no leases" 5 || fail "an empty leases table printed nothing"
type_text "datasets name 'nothing-*'"; send Enter
wait_for "no datasets match" 5 || fail "an empty datasets table printed nothing"
wait_last "fsh:sandbox>" 5 || fail "no prompt after an empty datasets table"
clear_screen
type_text "create 数据卷 1G on 10.0.0.1; create plain-volume-name 1G on 10.0.0.2"; send Enter
type_text "wait 数据卷 attached; wait plain-volume-name attached"; send Enter
wait_for "'plain-volume-name' (" 30 || fail "create/wait failed"
wait_last "fsh:sandbox>" 5 || fail "no prompt after create/wait"
clear_screen
# The whole table: the prompt after it is back.
enter "datasets" 10
screen >"$T/table"
python3 - "$T/table" <<'PY' || fail "table misaligned or wider than 60 columns: $(cat "$T/table")"
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l.rstrip() for l in open(sys.argv[1], encoding="utf-8")]
rows = [l for l in lines if l.startswith("DATASET") or "数据卷" in l or "plain-volume" in l]
assert len(rows) == 3, rows
for l in rows:
    assert width(l) <= 60, (width(l), l)
# Every left-aligned column (all but SIZE) starts at the same terminal column on every row,
# and SIZE (right-aligned) ends at the same column.
def cells(l):
    out, col = [], 0
    for i, c in enumerate(l):
        if c != " " and (i == 0 or l[max(0, i - 2):i] == "  "):
            out.append(col)
        col += width(c)
    return out
def end_of(l, word):
    return width(l[: l.index(word) + len(word)])
header = cells(rows[0])
size_end = end_of(rows[0], "SIZE")
left = [c for c in header if c != width(rows[0][: rows[0].index("SIZE")])]
for l in rows[1:]:
    missing = [c for c in left if c not in cells(l)]
    assert not missing, ("columns not starting at", missing, cells(l), l)
    assert end_of(l, "1G") == size_end, ("SIZE", end_of(l, "1G"), size_end, l)
PY
echo ok
