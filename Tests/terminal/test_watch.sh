# Issue 33: `datasets --watch` at a terminal redraws its table in place (the header stays on
# its row, nothing scrolls), marks the row of a dataset that another process created (a '*'
# under NO_COLOR), fits a terminal resized to 50 columns, says "last read failed … (retrying)"
# while the control service is away and reads again once it is back, and Ctrl-C returns to the
# prompt with the last table left on the screen.
FSH=$1
. "$(dirname "$0")/lib.sh"
serve_sandbox watch-sandbox --delay 0.5
port=$(echo "$vars" | tr ' ' '\n' | sed -n 's/^FLOCKER_CONTROL_SERVICE_PORT=//p')
[ -n "$port" ] || fail "no port in the sandbox's variables: $vars"
COLS=100 start fsh "$(fsh_env $vars NO_COLOR=1) $FSH --norc" || fail "tmux"
wait_for "fsh:" 10 || fail "no prompt"
prompt=$(last_line)
type_text "datasets --watch --every 0.3s"
send Enter
wait_match "^no datasets · read [0-9:]{8} every 300ms · 127.0.0.1:$port$" 10 || fail "no watch header"
header_row() { screen | grep -n " · read " | cut -d: -f1 | tr '\n' ' '; }
row=$(header_row)
# Another process creates a dataset: its row appears, marked (hang guard 20 s).
env $vars HOME="$HOME" "$FSH" --norc -q -c "let d = create watched-elsewhere 1G on 10.0.0.2" \
  || fail "the other process could not create"
wait_match '^\* [0-9a-f]{8} +watched-elsewhere +1G +pending' 20 \
  || fail "the new dataset is not shown marked: $(screen)"
# It converges while watched: attached, marked again on the read that saw it (hang guard 30 s).
wait_match '^\* [0-9a-f]{8} +watched-elsewhere +1G +attached' 30 \
  || fail "the row was not redrawn attached and marked: $(screen)"
wait_match '^  [0-9a-f]{8} +watched-elsewhere +1G +attached' 10 \
  || fail "the mark did not go once nothing changed: $(screen)"
# Redrawn in place: one header, on the row it started on.
[ "$(header_row)" = "$row" ] || fail "the header moved or repeated: rows $row → $(header_row)"
# The control service goes away: the header says so and the table stays (hang guard 10 s).
kill $EXTRA_PIDS
wait_match "^1 attached · last read failed: cannot reach .* \(retrying\)$" 10 \
  || fail "no 'last read failed' header: $(screen)"
screen | grep -q "watched-elsewhere" || fail "the last table was not kept"
# It comes back on the same port: the next read clears the failure (hang guard 60 s).
"$FSH" sandbox serve --port "$port" --key-bits 2048 --dir "$T/watch-sandbox" --delay 0.5 \
  >"$T/serve2.out" 2>&1 &
EXTRA_PIDS="$EXTRA_PIDS $!"
wait_match "^[0-9]+ attached · read " 60 || fail "the watch did not recover: $(screen)"
# A resize to 50 columns redraws at that width: no line wider than the terminal.
tmux -L "$SOCK" resize-window -t fsh -x 50
wait_tty_size "50 50" 5 || fail "hang guard: not 50 columns after 5 s"
# Characters, not bytes ('·' and '…' are several bytes each).
wide() {
  screen | sed -e 's/ *$//' | grep -v "^$prompt" | while IFS= read -r line; do
    [ "${#line}" -gt 50 ] && printf '%s\n' "$line"
  done
}
for _ in $(seq 100); do
  screen | grep -q "^[0-9]* attached · read" && [ -z "$(wide)" ] && break
  sleep 0.05
done
[ -z "$(wide)" ] || fail "lines wider than 50 columns after the resize: $(wide)"
[ "$(screen | grep -c " · read ")" -eq 1 ] || fail "more than one header after the resize"
# Ctrl-C ends the watch; the table stays readable above a new prompt.
send C-c
wait_for "interrupted" 10 || fail "Ctrl-C did not end the watch"
wait_last "$prompt" 10 || fail "no prompt after Ctrl-C"
screen | grep -q "watched" || fail "the table was wiped"
type_text "echo still-here"
send Enter
wait_line "still-here" 5 || fail "no working prompt after Ctrl-C"
echo ok
