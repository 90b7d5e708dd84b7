# Tab completes a command word, a subcommand, an option; a second Tab lists candidates.
FSH=$1
. "$(dirname "$0")/lib.sh"
start_sandbox_fsh

type_text "mo"; send Tab
wait_last "fsh:sandbox> move" 3 || fail "mo<Tab> did not complete to 'move '"
send C-u
type_text "cluster a"; send Tab
wait_last "fsh:sandbox> cluster add" 3 || fail "cluster a<Tab> did not complete to 'cluster add'"
send C-u
type_text "datasets --del"; send Tab
wait_last "fsh:sandbox> datasets --deleted" 3 || fail "--del<Tab> did not complete the option"
send C-u
# 'data' → common prefix 'dataset', then a second Tab lists dataset and datasets.
type_text "data"; send Tab
wait_last "fsh:sandbox> dataset" 3 || fail "data<Tab> did not insert the common prefix"
send Tab
wait_match "^dataset +datasets$" 3 || fail "a second Tab did not list the candidates"
send C-u
type_text "set out"; send Tab; type_text "j"; send Tab
wait_last "fsh:sandbox> set output json" 3 || fail "session option and its value did not complete"
send C-u C-d
wait_for "__rc=0" 10 || fail "Ctrl-D did not exit with status 0"
echo ok
