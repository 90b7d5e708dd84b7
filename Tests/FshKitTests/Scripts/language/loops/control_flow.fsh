# for, if/else, comparisons, and/or/not.
for x in a b c {
  if $x == b { echo "bee" } else if $x =~ 'c*' { echo "see" } else { echo $x }
}
# expect: a
# expect: bee
# expect: see
let count = 10
if $count > 9 and not $count >= 11 { echo "ten" }
# expect: ten
if "" or 0 { echo wrong } else { echo falsy }
# expect: falsy
for i in 1 2 { for j in x y { echo "$i$j" } }
# expect: 1x
# expect: 1y
# expect: 2x
# expect: 2y
