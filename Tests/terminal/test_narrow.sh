# Issue 17, point 8: in a 60-column terminal, help and notes wrap at word boundaries (no line
# fsh writes is wider than the terminal), and `datasets -l` / `nodes -l` keep whole ids.
FSH=$1
. "$(dirname "$0")/lib.sh"
start_sandbox_fsh
tmux -L "$SOCK" resize-window -t fsh -x 60 -y 50 2>/dev/null || tmux -L "$SOCK" resize-pane -t fsh -x 60
wait_tty_size "50 60" 5 || fail "hang guard: the terminal is not 60 columns wide after 5 s"
clear_screen
# -J joins the lines the terminal wrapped: a joined line wider than 60 was written too wide.
# (Characters, not bytes: help has '…'.)
too_wide() {
  screen | sed -e 's/ *$//' | grep -v '^fsh:sandbox>' | while IFS= read -r line; do
    [ "${#line}" -gt 60 ] && printf '%s\n' "$line"
  done
}
type_text "help create"; send Enter
wait_for "EXAMPLES:" 5 || fail "no help"
[ -z "$(too_wide)" ] || fail "help lines wider than 60 columns: $(too_wide)"
clear_screen
type_text "help"; send Enter
wait_for "LANGUAGE:" 5 || fail "no help overview"
[ -z "$(too_wide | grep -v '^LANGUAGE:')" ] || fail "help overview wider than 60 columns: $(too_wide)"
clear_screen
for topic in if let language; do
  type_text "help $topic"; send Enter
  wait_for "docs/language.md" 5 || fail "no help $topic"
  [ -z "$(too_wide)" ] || fail "help $topic wider than 60 columns: $(too_wide)"
  clear_screen
done
type_text "datasets attached"; send Enter
wait_for "filters are keywords" 5 || fail "no notes"
[ -z "$(too_wide | grep -v 'datasets attached')" ] || fail "notes wider than 60 columns: $(too_wide)"
clear_screen
type_text "create narrow-volume 1G on 10.0.0.2"; send Enter
wait_for "name:" 10 || fail "create failed"
id=$(screen | grep -oE 'dataset_id: +[0-9a-f-]{36}' | head -n 1 | awk '{print $2}')
[ -n "$id" ] || fail "no dataset id"
clear_screen
type_text "datasets -l"; send Enter
wait_for "narrow-" 10 || fail "no listing"
screen | grep -q -- "$id" || fail "datasets -l cut the id $id"
clear_screen
type_text "nodes -l"; send Enter
wait_for "10.0.0.3" 10 || fail "no nodes"
screen | grep -qE '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' || fail "nodes -l cut the ids"
send C-d
wait_for "__rc=" 10 || fail "no exit"
echo ok
