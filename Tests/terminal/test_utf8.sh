# Non-ASCII text is echoed intact and edits by character (one Backspace removes one ö).
FSH=$1
. "$(dirname "$0")/lib.sh"
start fsh "$(fsh_env) $FSH --norc" || fail "tmux"
wait_last "fsh:no cluster>" 10 || fail "no prompt"
type_text 'echo "héllo wörld ✓ 日本語 🚀"'; send Enter
wait_line "héllo wörld ✓ 日本語 🚀" 3 || fail "non-ASCII echo: the output line differs or is missing"
type_text 'echo aöü'; send BSpace; type_text 'x'; send Enter
wait_line "aöx" 3 || fail "Backspace did not remove one character"
type_text 'echo 日本'; send Left; type_text 'X'; send Enter
wait_line "日X本" 3 || fail "cursor movement over wide characters"
echo ok
