# try lets one command fail; $error says why.
try sleep forever
echo "status $?: $error.message"
# expect: status 1: invalid duration 'forever'
if try sleep 0 { echo "slept" }
# expect: slept
if not try frobnicate { echo "no such command: $error.code" }
# expect: no such command: unknown-command
echo after
# expect: after
