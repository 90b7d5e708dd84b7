# Issue 30: `let NAME = try COMMAND` keeps the result, or null and $error, and goes on.
let v = try echo kept
echo "$v $?"
# expect: kept 0
let d = try sleep forever
echo "status $?: $error.message ($error.code)"
# expect: status 1: invalid duration 'forever' (usage)
if $d { echo wrong } else { echo "d is null" }
# expect: d is null
echo -o json $d
# expect: null
let e = try frobnicate now
echo "$error.code at $error.line:$error.column"
# expect: unknown-command at 12:13
# A value keeps being a value.
let w = try web-data
echo $w
# expect: web-data
echo still running
# expect: still running
