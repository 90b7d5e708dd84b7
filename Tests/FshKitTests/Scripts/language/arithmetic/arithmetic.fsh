# Issue 30: arithmetic on whole numbers and sizes.
let n = 0
let n = $n + 1
let n = $n + 1
echo $n
# expect: 2
echo (2 + 3 * 4) ((2 + 3) * 4) (7 / 2) (10 - 4 - 3) (-5 + 2)
# expect: 14 20 3 3 -3
let total = 0
for s in 10G 512M 1536M { let total = $total + $s }
echo $total
# expect: 12G
echo (1G / 512M) (1G * 3) (1G / 4) (1G - 2G) (100 - 1K)
# expect: 2 3G 256M -1G -924
if ($total / 2) == 6G { echo "half is 6G" }
# expect: half is 6G
let big = (1G + 1)
echo $big
# expect: 1073741825
