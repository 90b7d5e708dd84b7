# destroy at a terminal asks first: 'n' keeps the dataset, 'y' destroys it.
FSH=$1
. "$(dirname "$0")/lib.sh"
start_sandbox_fsh
type_text "create keep-or-not 1G on 10.0.0.1; wait keep-or-not attached"; send Enter
wait_for "'keep-or-not' (" 30 || fail "create failed"
clear_screen
type_text "destroy keep-or-not"; send Enter
wait_for "[y/N]" 10 || fail "no question"
screen | grep -q "destroy dataset 'keep-or-not'" || fail "the question does not name the dataset"
type_text "n"; send Enter
wait_last "fsh:sandbox>" 10 || fail "no prompt after 'n'"
clear_screen
type_text "dataset keep-or-not"; send Enter
wait_for "name:" 10 || fail "the dataset is gone after 'n'"
screen | grep -qE "^status: +delet" && fail "'n' destroyed it"
clear_screen
type_text "destroy keep-or-not"; send Enter
wait_for "[y/N]" 10 || fail "no question (second time)"
type_text "y"; send Enter
wait_last "fsh:sandbox>" 10 || fail "no prompt after 'y'"
clear_screen
type_text "wait keep-or-not deleted timeout 60s settle 2s; echo gone-now"; send Enter
wait_line "gone-now" 70 || fail "'y' did not destroy the dataset"
echo ok
