# An unfinished entry (open quote, open block) gets the continuation prompt.
FSH=$1
. "$(dirname "$0")/lib.sh"
start fsh "$(fsh_env) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt"
type_text 'echo "first'; send Enter
wait_last "...>" 3 || fail "no continuation prompt after an open quote"
type_text 'second"'; send Enter
wait_line "second" 3 || fail "the continued entry did not run"
screen | grep -qx "first" || fail "the continued entry lost its first line"
wait_last "fsh:no cluster>" 3 || fail "no main prompt after the entry"
type_text 'for x in a b {'; send Enter
wait_last "...>" 3 || fail "no continuation prompt in a block"
enter 'echo item-$x' 3
type_text '}'; send Enter
wait_line "item-b" 3 || fail "the block did not run"
screen | grep -qx "item-a" || fail "the block skipped item-a"
# Ctrl-C in a continuation drops the whole entry.
type_text 'echo "never'; send Enter
wait_last "...>" 3 || fail "no continuation prompt"
send C-c
wait_last "fsh:no cluster>" 3 || fail "Ctrl-C did not drop the unfinished entry"
# The next entry stands alone: it is not a continuation of the dropped one.
type_text 'echo next-entry'; send Enter
wait_line "next-entry" 3 || fail "the entry after Ctrl-C did not run on its own"
screen | grep -q '^never' && fail "the dropped entry ran"
echo ok
