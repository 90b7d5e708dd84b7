# With stop-on-error off, a failure is reported and the script goes on, exiting 1.
# expect warning: invalid duration 'bogus'
set stop-on-error off
sleep bogus
echo still here
# expect: still here
# expect status: 1
