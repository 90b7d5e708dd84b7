# Completion and --help follow each command's one declaration: the first word after
# `cluster add` is the name even when it spells a keyword, options include the global
# --help, and an open quote is completed by the language's own lexer.
FSH=$1
. "$(dirname "$0")/lib.sh"
start_sandbox_fsh

# 'ca' is the profile's name, so 'h' completes the keyword 'host' (not a value of 'ca').
type_text "cluster add ca h"; send Tab
wait_last "fsh:sandbox> cluster add ca host" 3 || fail "cluster add ca h<Tab> did not complete 'host'"
send C-u
type_text "create --he"; send Tab
wait_last "fsh:sandbox> create --help" 3 || fail "--he<Tab> did not complete the global --help"
send Enter
wait_for "USAGE: create NAME SIZE on NODE" 5 || fail "create --help did not show create's help"
wait_last "fsh:sandbox>" 5 || fail "no prompt after create --help"
clear_screen
# The terminal hands fsh the keys in order: the quote typed after the Tab lands after it.
type_text "echo 'a b"; send Tab
type_text "'"; send Enter
wait_line "a b" 5 || fail "echo 'a b' did not print a b"
screen | grep -qx "fsh:sandbox> echo 'a b'" || fail "Tab inside an open quote changed the line"
send C-d
wait_for "__rc=" 10 || fail "no exit"
echo ok
