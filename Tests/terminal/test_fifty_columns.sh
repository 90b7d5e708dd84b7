# Issue 30: in a 50-column terminal the banner, `explain`'s tables and `wait`'s progress line
# fit (no line wider than the terminal); at 60 columns a cut table cell fills its column (not
# padded past its text) and a cut path or id keeps its start.
FSH=$1
. "$(dirname "$0")/lib.sh"
COLS=50
# too_wide N: screen lines (joined where the terminal wrapped them: -J) wider than N
# characters, the prompt lines left out.
too_wide() {
  screen | sed -e 's/ *$//' | grep -v '^fsh:sandbox>' | while IFS= read -r line; do
    [ "${#line}" -gt "$1" ] && printf '%s\n' "$line"
  done
}
start_sandbox_fsh
wait_tty_size "50 50" 5 || fail "hang guard: the terminal is not 50 columns wide after 5 s"
wait_match '^Type `help` for' 5 || fail "no banner"
[ -z "$(too_wide 50)" ] || fail "banner wider than 50 columns: $(too_wide 50)"
type_text "create fifty-columns-volume 1G on 10.0.0.2 -o json"; send Enter
wait_match '"name": "fifty-columns-volume"' 10 || fail "create failed"
wait_last "fsh:sandbox>" 10 || fail "no prompt after create"
clear_screen
type_text "wait fifty-columns-volume attached timeout 60s"; send Enter
wait_match "\\) is attached on " 70 || fail "hang guard: not attached in 70 s"
wait_last "fsh:sandbox>" 10 || fail "no prompt after wait"
clear_screen
type_text "explain fifty-columns-volume"; send Enter
wait_match '^[0-9]+ passed, [0-9]+ warnings?, [0-9]+ failed$' 10 || fail "no explain"
screen | grep -q 'DESIRED' || fail "no side-by-side table"
[ -z "$(too_wide 50)" ] || fail "explain wider than 50 columns: $(too_wide 50)"
clear_screen
# The dataset is attached: waiting for detached shows the progress line until the timeout.
type_text "wait fifty-columns-volume detached timeout 8s"; send Enter
# Cut to fit, it keeps its count of seconds (the part that changes).
wait_match "^waiting for 'fifty-columns-volume'.*… \\([0-9]+s of 8s\\)$" 10 \
  || fail "no progress line with its count of seconds"
[ -z "$(too_wide 50)" ] || fail "progress line wider than 50 columns: $(too_wide 50)"
wait_last "fsh:sandbox>" 15 || fail "hang guard: wait did not end in 15 s"
clear_screen

tmux -L "$SOCK" resize-window -t fsh -x 60 -y 50 2>/dev/null || tmux -L "$SOCK" resize-pane -t fsh -x 60
wait_tty_size "50 60" 5 || fail "hang guard: the terminal is not 60 columns wide after 5 s"
clear_screen
type_text "create 'a rather long dataset name with words' 1G on 10.0.0.3 -o json"; send Enter
wait_match '"name": "a rather long dataset name with words"' 10 || fail "second create failed"
wait_last "fsh:sandbox>" 10 || fail "no prompt after the second create"
clear_screen
type_text "datasets"; send Enter
wait_match '^DATASET +NAME' 10 || fail "no listing"
wait_last "fsh:sandbox>" 10 || fail "no prompt after the listing"
rows=$(screen | sed -e 's/ *$//' | grep -E '^[0-9a-f]{8}  ')
[ "$(printf '%s\n' "$rows" | wc -l)" -ge 2 ] || fail "fewer than 2 rows: $rows"
printf '%s\n' "$rows" | grep -q '…' || fail "nothing was cut at 60 columns: $rows"
printf '%s\n' "$rows" | grep -qE '… {3,}[^0-9 ]' && fail "a cut cell is padded past its text: $rows"
printf '%s\n' "$rows" | grep -qE '…/' && fail "a cut path lost its start: $rows"
printf '%s\n' "$rows" | grep -qE '  /flocke' || fail "no path keeps its start: $rows"
[ -z "$(too_wide 60)" ] || fail "listing wider than 60 columns: $(too_wide 60)"
send C-d
wait_for "__rc=" 10 || fail "no exit"
echo ok
