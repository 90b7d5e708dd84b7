# Issue 30: `try let` is a syntax error that says how to write it; nothing runs.
echo this does not run
try let d = sleep 1s
# expect error: 3:1: 'try' cannot come before 'let'
# expect status: 2
