# libedit is loaded when the first prompt needs it: where it cannot be loaded, the REPL says so
# and still reads lines at a plain prompt (Ctrl-C, Ctrl-D included), and `fsh -c` never needs it.
FSH=$1
. "$(dirname "$0")/lib.sh"
command -v unshare >/dev/null || fail "unshare is not installed (util-linux)"
lib=$(ldconfig -p | awk '/libedit\.so\.2 /{print $NF; exit}')
[ -n "$lib" ] || fail "libedit.so.2 is not installed (libedit2), so its absence cannot be staged"
lib=$(realpath "$lib")
# A private mount namespace (as root, or as a user mapped to root) in which libedit is empty.
hide="unshare --map-root-user --mount sh -c 'mount --bind /dev/null \"\$0\" && exec \"\$@\"' $lib"
sh -c "$hide true" || fail "cannot make a mount namespace to hide libedit"
out=$(sh -c "$hide $(fsh_env) $FSH -c 'echo one-shot'" 2>&1) || fail "fsh -c failed without libedit: $out"
[ "$out" = "one-shot" ] || fail "fsh -c without libedit said: $out"
start fsh "$hide $(fsh_env) $FSH --norc" || fail "tmux"
wait_for "line editing is off: libedit could not be loaded" 10 || fail "no warning"
wait_for "apt-get install libedit2" 1 || fail "the warning does not say what to install"
wait_last "fsh:no cluster>" 10 || fail "no plain prompt"
type_text "echo plain-works"
send Enter
wait_line "plain-works" 5 || fail "a line was not run"
wait_last "fsh:no cluster>" 5 || fail "no prompt after a command"
# Ctrl-C at the plain prompt drops the line and prompts again; fsh goes on. The terminal itself
# echoes the line (it is in cooked mode): once it shows, the Ctrl-C comes after it.
type_text "echo dropped"
wait_last "fsh:no cluster> echo dropped" 5 || fail "the typed line was not echoed"
n=$(prompts "fsh:no cluster>")
send C-c
wait_new_prompt "fsh:no cluster>" "$n" 5 || fail "no new plain prompt after Ctrl-C"
type_text "echo after-interrupt"
send Enter
wait_line "after-interrupt" 5 || fail "fsh did not go on after Ctrl-C"
screen | grep -q "^dropped" && fail "the interrupted line ran"
send C-d
wait_for "__rc=0" 5 || fail "Ctrl-D did not end the session with status 0"
echo ok
