echo before
exit 3
echo after
# expect: before
# expect status: 3
