# Issue 17: break and continue; comparisons of sizes.
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
# Sizes compare by value; two words that look like numbers stay text for == (issue 17).
if 1G == 1024M { echo "1G == 1024M" }
# expect: 1G == 1024M
if 1.10 == 1.1 { echo wrong } else { echo "1.10 is not 1.1 as text" }
# expect: 1.10 is not 1.1 as text
if 2G > 1500M { echo "2G > 1500M" }
# expect: 2G > 1500M
