# Issue 17: break and continue.
for x in a b c d {
  if $x == b { continue }
  if $x == d { break }
  echo $x
}
# expect: a
# expect: c
for i in 1 2 { for j in x y z { if $j == y { break }; echo "$i$j" } }
# expect: 1x
# expect: 2x
try break
echo $error.message
# expect: 'break' outside a loop
