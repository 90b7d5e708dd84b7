# Script arguments.
# args: prod 265a0498
echo $# $1 $2
# expect: 2 prod 265a0498
for a in $@ { echo "arg $a" }
# expect: arg prod
# expect: arg 265a0498
echo $3
# expect error: 8:6: script argument $3 was not given
