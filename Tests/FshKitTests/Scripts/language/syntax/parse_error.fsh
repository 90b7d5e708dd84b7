# Parse errors are reported before anything runs.
echo this does not run
if $x { echo
# expect error: 3:7: missing '}'
# expect status: 2
