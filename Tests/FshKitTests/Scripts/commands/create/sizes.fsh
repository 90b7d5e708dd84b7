# sandbox
try create tiny 1M on 10.0.0.1
echo $error.message
# expect: size '1M' is below the minimum of 64M
try create frac 0.3G on 10.0.0.1
echo $error.message
# expect: size '0.3G' is not a whole number of bytes
try create odd 67109000 on 10.0.0.1
echo $error.notes.0
# expect: did you mean 65537K (67109888 bytes)?
create bad ten on 10.0.0.1
# expect error: 11:12: invalid size 'ten'
