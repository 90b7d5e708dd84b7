# Issue 30: while loops, with break, continue and a counter.
let n = 0
while $n < 10 {
  let n = $n + 1
  if $n == 2 { continue }
  if $n == 5 { break }
  echo "n=$n"
}
# expect: n=1
# expect: n=3
# expect: n=4
echo "after: $n"
# expect: after: 5
# A false condition never runs the body; a command condition runs until it fails.
while false { echo never }
let tries = 0
while not try sleep "$tries" {
  let tries = 0
}
echo "slept $tries"
# expect: slept 0
# Nested: break leaves the inner loop only.
let i = 0
while $i < 2 {
  let i = $i + 1
  for j in a b c { if $j == b { break }; echo "$i$j" }
}
# expect: 1a
# expect: 2a
# A condition that cannot be read stops the loop where it is.
let s = abc
while $s > 3 { echo never }
# expect error: 32:7: cannot compare a number with 'abc' using '>'
